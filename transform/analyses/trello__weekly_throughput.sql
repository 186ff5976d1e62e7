-- Throughput over the last 12 weeks: per board and week, the cards started and completed,
-- the work in progress at the week's end and the median and 85th percentile cycle time of
-- the cards completed (a run chart, or the input of a Monte Carlo forecast).
select
    flow.board_id,
    flow.week_start,
    flow.cards_started,
    flow.cards_completed,
    flow.wip_at_week_end,
    flow.cycle_time_p50_days,
    flow.cycle_time_p85_days
from {{ ref('trello__board_weekly_flow') }} as flow
where flow.week_start > {{ dbt.dateadd('day', -84, trello.week_start(trello.utc_now())) }}
order by flow.board_id, flow.week_start

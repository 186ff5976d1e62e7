-- Cycle time: per board and list, the stays that have ended, and the median and 90th
-- percentile days a card spent in the list; the slowest lists of each board first.
select
    boards.board_name,
    periods.board_id,
    periods.list_name,
    count(*) as stays,
    percentile_cont(0.5) within group (order by periods.seconds_in_list) / 86400 as median_days,
    percentile_cont(0.9) within group (order by periods.seconds_in_list) / 86400 as p90_days
from {{ ref('trello__card_list_periods') }} as periods
left join {{ ref('stg_trello__boards') }} as boards
    on periods.board_id = boards.board_id
where periods.left_at is not null
group by boards.board_name, periods.board_id, periods.list_name
order by periods.board_id, median_days desc, periods.list_name

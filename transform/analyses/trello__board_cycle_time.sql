-- Cycle and lead time per board: the completed cards, the median and 85th percentile days
-- from first start to completion (cycle time) and from creation to completion (lead time).
select
    boards.board_name,
    cycle.board_id,
    count(*) as completed_cards,
    {{ trello.percentile_cont(0.5, 'cycle.cycle_time_seconds') }} / 86400 as cycle_p50_days,
    {{ trello.percentile_cont(0.85, 'cycle.cycle_time_seconds') }} / 86400 as cycle_p85_days,
    {{ trello.percentile_cont(0.5, 'cycle.lead_time_seconds') }} / 86400 as lead_p50_days,
    {{ trello.percentile_cont(0.85, 'cycle.lead_time_seconds') }} / 86400 as lead_p85_days
from {{ ref('trello__card_cycle_times') }} as cycle
left join {{ ref('stg_trello__boards') }} as boards
    on cycle.board_id = boards.board_id
where cycle.completed_at is not null
group by boards.board_name, cycle.board_id
order by cycle.board_id

-- This week's work in progress of each board is its cards in in_progress lists now. A
-- warning, not an error: a history cut short by start_date, or actions Trello never logged,
-- can leave a card's open stay in another list than its own.
{{ config(severity='warn') }}
with this_week as (
    select board_id, wip_at_week_end
    from {{ ref('trello__board_weekly_flow') }}
    where week_start = {{ trello.week_start(trello.utc_now()) }}
),

in_progress as (
    select board_id, count(*) as cards
    from {{ ref('trello__card_cycle_times') }}
    where current_stage = 'in_progress'
    group by board_id
)

select this_week.board_id, this_week.wip_at_week_end, in_progress.cards
from this_week
left join in_progress on this_week.board_id = in_progress.board_id
where this_week.wip_at_week_end <> coalesce(in_progress.cards, 0)

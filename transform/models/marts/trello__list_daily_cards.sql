-- Cumulative flow: how many cards were in each list at the end of each UTC day, from the
-- day of its board's first stay to today, zeros included. A stay counts on the day it
-- starts and on every day up to the day before it ends.
with stays as (
    select
        list_id,
        cast(entered_at as date) as first_day,
        cast(left_at as date) as end_day
    from {{ ref('trello__card_list_periods') }}
),

board_first_day as (
    select board_id, min(cast(entered_at as date)) as first_day
    from {{ ref('trello__card_list_periods') }}
    group by board_id
),

board_days as (
    select
        board_id,
        {{ trello.day_series('first_day', trello.utc_today()) }} as day
    from board_first_day
),

changes as (
    select list_id, first_day as day, count(*) as change
    from stays
    group by list_id, first_day
    union all
    select list_id, end_day as day, -count(*) as change
    from stays
    where end_day is not null
    group by list_id, end_day
),

daily_change as (
    select list_id, day, sum(change) as change
    from changes
    group by list_id, day
),

grid as (
    select
        lists.board_id,
        lists.list_id,
        lists.list_name,
        board_days.day
    from {{ ref('stg_trello__lists') }} as lists
    inner join board_days
        on lists.board_id = board_days.board_id
),

-- a list's changes before its board's first day (a list moved in from another board) count
-- from that first day on
carried_in as (
    select grid_start.list_id, sum(daily_change.change) as change
    from (select list_id, min(day) as first_day from grid group by list_id) as grid_start
    inner join daily_change
        on grid_start.list_id = daily_change.list_id and daily_change.day < grid_start.first_day
    group by grid_start.list_id
)

select
    grid.board_id,
    grid.list_id,
    grid.list_name,
    grid.day,
    cast(
        coalesce(carried_in.change, 0)
        + sum(coalesce(daily_change.change, 0)) over (
            partition by grid.list_id order by grid.day rows between unbounded preceding and current row
        )
        as integer
    ) as cards
from grid
left join daily_change
    on grid.list_id = daily_change.list_id and grid.day = daily_change.day
left join carried_in
    on grid.list_id = carried_in.list_id

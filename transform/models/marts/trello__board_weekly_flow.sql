-- Weekly flow: per live board and ISO week (Monday 00:00 UTC), from the week of the board's
-- first stay to the current week, zeros included: cards started, cards completed with the
-- percentiles of their cycle time, and the work in progress at the week's end. Every stay
-- counts (deleted cards' past included), on the board of the stay.
with stays as (
    select
        *,
        {{ trello.week_start('entered_at') }} as entered_week
    from {{ ref('int_trello__card_stage_stays') }}
),

now_utc as (
    select
        {{ trello.utc_now() }} as now_at,
        {{ trello.week_start(trello.utc_now()) }} as current_week
),

board_first_week as (
    select
        stays.board_id,
        min(stays.entered_week) as first_week
    from stays
    inner join {{ ref('stg_trello__boards') }} as boards
        on stays.board_id = boards.board_id
    group by stays.board_id
),

board_weeks as (
    select
        board_first_week.board_id,
        {{ trello.week_series('board_first_week.first_week', 'now_utc.current_week') }} as week_start
    from board_first_week
    cross join now_utc
),

-- each card's first stay in a list that is not a backlog list: when (and where) it started
first_started as (
    select
        card_id,
        board_id,
        entered_at,
        entered_week,
        row_number() over (partition by card_id order by stay_number) as started_rank
    from stays
    where stage <> 'backlog'
),

started as (
    select
        board_id,
        entered_week as week_start,
        count(*) as cards_started
    from first_started
    where started_rank = 1
    group by board_id, entered_week
),

-- a stay in a done list after one that is not (or the card's first): a completion; a card
-- counts once a week per board, with the cycle time of its last completion of the week
completions as (
    select
        stays.card_id,
        stays.board_id,
        stays.entered_week as week_start,
        {{ trello.seconds_between('first_started.entered_at', 'stays.entered_at') }} as cycle_time_seconds,
        row_number() over (
            partition by stays.card_id, stays.board_id, stays.entered_week
            order by stays.stay_number desc
        ) as week_rank
    from stays
    inner join first_started
        on stays.card_id = first_started.card_id and first_started.started_rank = 1
    where stays.stage = 'done'
        and (stays.previous_stage is null or stays.previous_stage <> 'done')
),

completed as (
    select
        board_id,
        week_start,
        count(*) as cards_completed,
        {{ trello.percentile_cont(0.5, 'cycle_time_seconds / 86400.0') }} as cycle_time_p50_days,
        {{ trello.percentile_cont(0.85, 'cycle_time_seconds / 86400.0') }} as cycle_time_p85_days
    from completions
    where week_rank = 1
    group by board_id, week_start
),

-- in progress at a week's end (Monday 00:00 of the next week): the stays in in_progress
-- lists entered before it and not left before it; +1 in the week a stay starts, -1 in the
-- week it ends
wip_changes as (
    select board_id, entered_week as week_start, count(*) as change
    from stays
    where stage = 'in_progress'
    group by board_id, entered_week
    union all
    select board_id, {{ trello.week_start('left_at') }} as week_start, -count(*) as change
    from stays
    where stage = 'in_progress' and left_at is not null
    group by board_id, {{ trello.week_start('left_at') }}
),

weekly_wip_change as (
    select board_id, week_start, sum(change) as change
    from wip_changes
    group by board_id, week_start
),

-- the current week ends now
wip_now as (
    select stays.board_id, count(*) as cards
    from stays
    cross join now_utc
    where stays.stage = 'in_progress'
        and stays.entered_at < now_utc.now_at
        and (stays.left_at is null or stays.left_at >= now_utc.now_at)
    group by stays.board_id
),

flow as (
    select
        board_weeks.board_id,
        board_weeks.week_start,
        coalesce(started.cards_started, 0) as cards_started,
        coalesce(completed.cards_completed, 0) as cards_completed,
        case
            when board_weeks.week_start = now_utc.current_week then coalesce(wip_now.cards, 0)
            else sum(coalesce(weekly_wip_change.change, 0)) over (
                partition by board_weeks.board_id
                order by board_weeks.week_start
                rows between unbounded preceding and current row
            )
        end as wip_at_week_end,
        completed.cycle_time_p50_days,
        completed.cycle_time_p85_days
    from board_weeks
    cross join now_utc
    left join started
        on board_weeks.board_id = started.board_id and board_weeks.week_start = started.week_start
    left join completed
        on board_weeks.board_id = completed.board_id and board_weeks.week_start = completed.week_start
    left join weekly_wip_change
        on board_weeks.board_id = weekly_wip_change.board_id
        and board_weeks.week_start = weekly_wip_change.week_start
    left join wip_now
        on board_weeks.board_id = wip_now.board_id
)

select
    board_id,
    week_start,
    cast(cards_started as integer) as cards_started,
    cast(cards_completed as integer) as cards_completed,
    cast(wip_at_week_end as integer) as wip_at_week_end,
    cycle_time_p50_days,
    cycle_time_p85_days
from flow

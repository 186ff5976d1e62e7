-- Cycle and lead time: one row per card of trello__cards, from its stays and their stages
-- (int_trello__card_stage_stays). The card's current stage is its list's (trello__lists); it
-- entered that stage with the first stay of its final run of stays in lists of that stage.
with cards as (
    select
        cards.card_id,
        cards.board_id,
        cards.created_at,
        lists.stage as current_stage
    from {{ ref('trello__cards') }} as cards
    inner join {{ ref('trello__lists') }} as lists
        on cards.list_id = lists.list_id
),

stays as (
    select
        stays.*,
        cards.current_stage
    from {{ ref('int_trello__card_stage_stays') }} as stays
    inner join cards
        on stays.card_id = cards.card_id
),

per_card as (
    select
        card_id,
        min(case when stage <> 'backlog' then entered_at end) as first_started_at,
        -- the last stay in a list of another stage than the card's current one
        max(case when stage <> current_stage then stay_number end) as last_other_stay,
        sum(case when previous_stage = 'done' and stage <> 'done' then 1 else 0 end) as times_reopened
    from stays
    group by card_id
),

-- the final run of stays in lists of the current stage (none when the last stay's list is of
-- another stage: a history that does not reach the card's list)
current_run as (
    select
        stays.card_id,
        min(stays.entered_at) as entered_at
    from stays
    inner join per_card
        on stays.card_id = per_card.card_id
    where stays.stay_number > coalesce(per_card.last_other_stay, 0)
    group by stays.card_id
),

timed as (
    select
        cards.card_id,
        cards.board_id,
        cards.created_at,
        per_card.first_started_at,
        cards.current_stage = 'done' as is_completed,
        case when cards.current_stage = 'done' then current_run.entered_at end as completed_at,
        coalesce(per_card.times_reopened, 0) as times_reopened,
        cards.current_stage,
        current_run.entered_at as current_stage_entered_at
    from cards
    left join per_card
        on cards.card_id = per_card.card_id
    left join current_run
        on cards.card_id = current_run.card_id
)

select
    card_id,
    board_id,
    created_at,
    first_started_at,
    is_completed,
    completed_at,
    {{ trello.seconds_between('created_at', 'completed_at') }} as lead_time_seconds,
    {{ trello.seconds_between('first_started_at', 'completed_at') }} as cycle_time_seconds,
    cast(times_reopened as integer) as times_reopened,
    current_stage,
    current_stage_entered_at
from timed

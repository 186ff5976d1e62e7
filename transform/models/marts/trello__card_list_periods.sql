-- One row per stay of a card in a list, rebuilt from the actions
-- (int_trello__card_list_events). A stay ends with the card's next event; a card whose
-- history begins with a move or a leave was created before the extracted history, so it
-- stayed in the list it left from its creation (its id's time); a card with no event at all
-- has been in its current list since its creation.
with events as (
    select
        *,
        lead(occurred_at) over (partition by card_id order by event_number) as next_event_at
    from {{ ref('int_trello__card_list_events') }}
),

opened_by_action as (
    select
        action_id as stay_id,
        card_id,
        board_id,
        entered_list_id as list_id,
        entered_list_name as action_list_name,
        occurred_at as entered_at,
        next_event_at as left_at
    from events
    where event_kind in ('enter', 'move')
),

before_first_event as (
    select
        card_id as stay_id,
        card_id,
        board_id,
        left_list_id as list_id,
        left_list_name as action_list_name,
        {{ trello.timestamp_from_id('card_id') }} as entered_at,
        occurred_at as left_at
    from events
    where event_number = 1 and event_kind in ('move', 'leave')
),

without_events as (
    select
        cards.card_id as stay_id,
        cards.card_id,
        cards.board_id,
        cards.list_id,
        cast(null as {{ dbt.type_string() }}) as action_list_name,
        cards.created_at as entered_at,
        cast(null as {{ dbt.type_timestamp() }}) as left_at
    from {{ ref('stg_trello__cards') }} as cards
    where not exists (
        select 1 from events where events.card_id = cards.card_id
    )
),

stays as (
    select * from opened_by_action
    union all
    select * from before_first_event
    union all
    select * from without_events
)

select
    stays.stay_id,
    stays.card_id,
    stays.board_id,
    stays.list_id,
    coalesce(lists.list_name, stays.action_list_name) as list_name,
    stays.entered_at,
    stays.left_at,
    case
        when stays.left_at is not null then {{ trello.seconds_between('stays.entered_at', 'stays.left_at') }}
    end as seconds_in_list
from stays
left join {{ ref('stg_trello__lists') }} as lists
    on stays.list_id = lists.list_id

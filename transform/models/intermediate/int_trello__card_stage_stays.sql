-- Each stay of trello__card_list_periods with the workflow stage of its list, numbered in its
-- card's order (the stay since the card's creation first, then as the events that opened them:
-- int_trello__card_list_events), with the stage of the card's stay before it. The stage comes
-- from the list's id and name (trello.list_stage): the stays of a deleted list are staged by
-- the name their action carries.
with periods as (
    select
        periods.*,
        events.event_number
    from {{ ref('trello__card_list_periods') }} as periods
    left join {{ ref('int_trello__card_list_events') }} as events
        on periods.stay_id = events.action_id
),

staged_lists as (
    select
        list_id,
        list_name,
        {{ trello.list_stage('list_id', 'list_name') }} as stage
    from (select distinct list_id, list_name from periods) as list_names
),

numbered as (
    select
        periods.stay_id,
        periods.card_id,
        periods.board_id,
        periods.list_id,
        periods.list_name,
        staged_lists.stage,
        periods.entered_at,
        periods.left_at,
        row_number() over (
            partition by periods.card_id order by coalesce(periods.event_number, 0), periods.entered_at
        ) as stay_number
    from periods
    inner join staged_lists
        on periods.list_id = staged_lists.list_id
        and periods.list_name is not distinct from staged_lists.list_name
)

select
    *,
    lag(stage) over (partition by card_id order by stay_number) as previous_stage
from numbered

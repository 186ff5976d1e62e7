-- Due dates: one row per card of trello__cards that has a due date, with when it was marked
-- done (the last updateCard that set dueComplete, while it still is), whether that was late,
-- whether it is overdue now, and how often the due date moved.
with due_history as (
    select
        card_id,
        max(case when marks_due_complete then occurred_at end) as last_marked_complete_at,
        sum(case when changes_due_date then 1 else 0 end) as due_date_changes
    from {{ ref('stg_trello__actions') }}
    where action_type = 'updateCard' and card_id is not null
    group by card_id
)

select
    cards.card_id,
    cards.board_id,
    cards.due_at,
    cards.is_due_complete,
    case when cards.is_due_complete then due_history.last_marked_complete_at end as due_completed_at,
    case
        when cards.is_due_complete then due_history.last_marked_complete_at > cards.due_at
    end as is_completed_late,
    (not cards.is_due_complete and cards.due_at < {{ trello.utc_now() }}) as is_overdue,
    cast(coalesce(due_history.due_date_changes, 0) as integer) as due_date_changes
from {{ ref('trello__cards') }} as cards
left join due_history
    on cards.card_id = due_history.card_id
where cards.due_at is not null

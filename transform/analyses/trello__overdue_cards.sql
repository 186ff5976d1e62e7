-- What is overdue, oldest first: the open cards past their due date and not marked done.
select
    board_name,
    list_name,
    card_name,
    due_at,
    member_usernames,
    short_url
from {{ ref('trello__cards') }}
where due_at < {{ trello.utc_now() }}
    and not is_due_complete
    and not is_archived
order by due_at, card_id

-- Are due dates met? Per board: the cards with a due date, those completed, completed late,
-- overdue now, and how often due dates moved.
select
    boards.board_name,
    due.board_id,
    count(*) as cards_with_due_date,
    sum(case when due.is_due_complete then 1 else 0 end) as completed,
    sum(case when due.is_completed_late then 1 else 0 end) as completed_late,
    sum(case when due.is_overdue then 1 else 0 end) as overdue,
    sum(due.due_date_changes) as due_date_changes
from {{ ref('trello__card_due_dates') }} as due
left join {{ ref('stg_trello__boards') }} as boards
    on due.board_id = boards.board_id
group by boards.board_name, due.board_id
order by due.board_id

-- Checklist progress of the open cards that have check items, the least advanced first.
select
    board_name,
    list_name,
    card_name,
    checklist_items_complete,
    checklist_items_total,
    checklist_items_complete * 1.0 / nullif(checklist_items_total, 0) as progress
from {{ ref('trello__cards') }}
where checklist_items_total > 0
    and not is_archived
order by progress, board_name, card_name, card_id

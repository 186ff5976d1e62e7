select
    id as check_item_id,
    checklist_id,
    card_id,
    board_id,
    name as check_item_name,
    state = 'complete' as is_complete
from {{ source('trello', 'check_items') }}
{{ trello.live_rows(source('trello', 'check_items')) }}

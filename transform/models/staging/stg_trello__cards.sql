select
    id as card_id,
    "idBoard" as board_id,
    "idList" as list_id,
    name as card_name,
    coalesce(closed, false) as is_closed,
    {{ trello.timestamp_from_id('id') }} as created_at,
    "dateLastActivity" as last_activity_at,
    due as due_at,
    coalesce("dueComplete", false) as is_due_complete,
    "idShort" as card_number,
    "shortUrl" as short_url
from {{ source('trello', 'cards') }}
{{ trello.live_rows(source('trello', 'cards')) }}

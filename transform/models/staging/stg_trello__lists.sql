select
    id as list_id,
    "idBoard" as board_id,
    name as list_name,
    coalesce(closed, false) as is_closed,
    pos as position
from {{ source('trello', 'lists') }}
{{ trello.live_rows(source('trello', 'lists')) }}

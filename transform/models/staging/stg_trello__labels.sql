select
    id as label_id,
    "idBoard" as board_id,
    name as label_name,
    color,
    -- how people refer to a label: its name, or its colour when it has none
    coalesce(nullif(name, ''), color) as label_title
from {{ source('trello', 'labels') }}
{{ trello.live_rows(source('trello', 'labels')) }}

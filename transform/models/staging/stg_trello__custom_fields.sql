select
    id as custom_field_id,
    coalesce("idModel", board_id) as board_id,
    name as custom_field_name,
    type as field_type
from {{ source('trello', 'custom_fields') }}
{{ trello.live_rows(source('trello', 'custom_fields')) }}

select
    id as member_id,
    username,
    "fullName" as full_name
from {{ source('trello', 'members') }}
{{ trello.live_rows(source('trello', 'members')) }}

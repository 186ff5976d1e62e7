select
    id as board_id,
    name as board_name,
    coalesce(closed, false) as is_closed,
    "idOrganization" as organization_id,
    "dateLastActivity" as last_activity_at
from {{ source('trello', 'boards') }}
{{ trello.live_rows(source('trello', 'boards')) }}

-- One row per list Trello has, with its workflow stage (trello_list_stages, else its name).
select
    list_id,
    board_id,
    list_name,
    {{ trello.list_stage('list_id', 'list_name') }} as stage,
    is_closed as is_archived,
    position
from {{ ref('stg_trello__lists') }}

-- The workflow stage of every open list, board by board in the order of the lists: check the
-- stage rules against your boards, and name the lists they get wrong in trello_list_stages.
select
    boards.board_name,
    lists.board_id,
    lists.list_name,
    lists.stage
from {{ ref('trello__lists') }} as lists
left join {{ ref('stg_trello__boards') }} as boards
    on lists.board_id = boards.board_id
where not lists.is_archived
order by lists.board_id, lists.position, lists.list_id

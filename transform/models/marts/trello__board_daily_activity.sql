-- What happened on each board, per member and UTC day.
select
    actions.board_id,
    actions.member_id,
    members.username as member_username,
    cast(actions.occurred_at as date) as day,
    count(*) as action_count,
    sum(case when actions.action_type in ('createCard', 'copyCard', 'convertToCardFromCheckItem') then 1 else 0 end)
        as created_count,
    sum(
        case
            when actions.action_type = 'updateCard' and actions.list_after_id is not null then 1
            when actions.action_type = 'moveCardToBoard' then 1
            else 0
        end
    ) as moved_count,
    sum(case when actions.action_type = 'commentCard' then 1 else 0 end) as commented_count,
    sum(
        case
            when actions.action_type = 'updateCheckItemStateOnCard' and actions.check_item_state = 'complete' then 1
            when actions.action_type = 'updateCard' and actions.marks_due_complete then 1
            else 0
        end
    ) as completed_count
from {{ ref('stg_trello__actions') }} as actions
left join {{ ref('stg_trello__members') }} as members
    on actions.member_id = members.member_id
group by actions.board_id, actions.member_id, members.username, cast(actions.occurred_at as date)

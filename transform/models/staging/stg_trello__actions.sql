-- Trello's actions with the parts of `data` the marts use pulled out.
select
    id as action_id,
    coalesce(data -> 'board' ->> 'id', board_id) as board_id,
    type as action_type,
    date as occurred_at,
    "idMemberCreator" as member_id,
    data -> 'card' ->> 'id' as card_id,
    data -> 'list' ->> 'id' as list_id,
    data -> 'list' ->> 'name' as list_name,
    data -> 'listBefore' ->> 'id' as list_before_id,
    data -> 'listBefore' ->> 'name' as list_before_name,
    data -> 'listAfter' ->> 'id' as list_after_id,
    data -> 'listAfter' ->> 'name' as list_after_name,
    data -> 'checkItem' ->> 'state' as check_item_state,
    coalesce(
        (data -> 'card' ->> 'dueComplete') = 'true' and (data -> 'old' ->> 'dueComplete') = 'false',
        false
    ) as marks_due_complete,
    -- the due date it changed was already set (an updateCard with old.due)
    (data -> 'old' ->> 'due') is not null as changes_due_date,
    coalesce(data -> 'customField' ->> 'id', data -> 'customFieldItem' ->> 'idCustomField')
        as custom_field_id,
    data -> 'customField' ->> 'name' as custom_field_name,
    {{ trello.custom_field_value_text("data -> 'customFieldItem' -> 'value'") }} as custom_field_value,
    data -> 'customFieldItem' ->> 'idValue' as custom_field_option_id
from {{ source('trello', 'actions') }}
{{ trello.live_rows(source('trello', 'actions')) }}

-- The actions that put a card in a list or take it out, in the order they happened.
--   enter: createCard, copyCard, convertToCardFromCheckItem, moveCardToBoard (in data.list)
--   move:  updateCard with listBefore/listAfter (leaves listBefore, enters listAfter)
--   leave: moveCardFromBoard, deleteCard (leaves data.list)
-- Archiving a card is an updateCard without listAfter: the card stays in its list.
with classified as (
    select
        action_id,
        card_id,
        board_id,
        occurred_at,
        case
            when action_type in ('createCard', 'copyCard', 'convertToCardFromCheckItem', 'moveCardToBoard')
                then 'enter'
            when action_type = 'updateCard' and list_after_id is not null then 'move'
            when action_type in ('moveCardFromBoard', 'deleteCard') then 'leave'
        end as event_kind,
        case
            when action_type = 'updateCard' then list_after_id
            when action_type in ('moveCardFromBoard', 'deleteCard') then null
            else list_id
        end as entered_list_id,
        case when action_type = 'updateCard' then list_after_name else list_name end
            as entered_list_name,
        case
            when action_type = 'updateCard' then list_before_id
            when action_type in ('moveCardFromBoard', 'deleteCard') then list_id
        end as left_list_id,
        case when action_type = 'updateCard' then list_before_name else list_name end
            as left_list_name,
        -- a move between boards logs both actions in the same instant: leaving comes first
        case when action_type = 'moveCardFromBoard' then 0 else 1 end as same_instant_rank
    from {{ ref('stg_trello__actions') }}
    where card_id is not null
)

select
    *,
    row_number() over (
        partition by card_id order by occurred_at, same_instant_rank, action_id
    ) as event_number
from classified
where event_kind is not null

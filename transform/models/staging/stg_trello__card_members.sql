-- One row per member on a card (cards.idMembers).
with card_member as (
    select
        id as card_id,
        {{ trello.unnest_ids('"idMembers"') }} as member_id
    from {{ source('trello', 'cards') }}
    {{ trello.live_rows(source('trello', 'cards')) }}
)

select distinct card_id, member_id
from card_member

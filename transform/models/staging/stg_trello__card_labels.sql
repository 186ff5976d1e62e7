-- One row per label on a card (cards.idLabels).
with card_label as (
    select
        id as card_id,
        {{ trello.unnest_ids('"idLabels"') }} as label_id
    from {{ source('trello', 'cards') }}
    {{ trello.live_rows(source('trello', 'cards')) }}
)

select distinct card_id, label_id
from card_label

select
    id as custom_field_item_id,
    coalesce(card_id, "idModel") as card_id,
    board_id,
    "idCustomField" as custom_field_id,
    {{ trello.custom_field_value_text('value') }} as value_text,
    "idValue" as option_id
from {{ source('trello', 'card_custom_field_items') }}
{{ trello.live_rows(source('trello', 'card_custom_field_items')) }}

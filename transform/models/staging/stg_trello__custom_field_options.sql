-- One row per option of a list-type custom field (custom_fields.options).
with options as (
    select
        id as custom_field_id,
        {{ trello.json_array_elements('options') }} as option_value
    from {{ source('trello', 'custom_fields') }}
    {{ trello.live_rows(source('trello', 'custom_fields')) }}
)

select
    option_value ->> 'id' as option_id,
    custom_field_id,
    option_value -> 'value' ->> 'text' as option_text
from options

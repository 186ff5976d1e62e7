-- Each card's custom field values now, with when they were set and how many values the field
-- has had on the card (e.g. how often story points were re-estimated).
with periods as (
    select
        *,
        count(*) over (partition by card_id, custom_field_id) as values_had
    from {{ ref('trello__custom_field_history') }}
)

select
    cards.board_name,
    cards.card_name,
    periods.card_id,
    periods.custom_field_name,
    periods.value,
    periods.valid_from as set_at,
    periods.values_had
from periods
inner join {{ ref('trello__cards') }} as cards
    on periods.card_id = cards.card_id
where periods.valid_until is null
order by periods.card_id, periods.custom_field_name, periods.custom_field_id

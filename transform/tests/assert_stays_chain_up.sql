-- A card's stays follow each other: none starts before the previous one ended.
{{ config(severity='warn') }}
with ordered as (
    select
        card_id,
        entered_at,
        lag(left_at) over (partition by card_id order by entered_at, stay_id) as previous_left_at,
        lag(stay_id) over (partition by card_id order by entered_at, stay_id) as previous_stay_id
    from {{ ref('trello__card_list_periods') }}
)

select *
from ordered
where previous_stay_id is not null
    and (previous_left_at is null or previous_left_at > entered_at)

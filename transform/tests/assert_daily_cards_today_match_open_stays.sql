-- Today's cumulative-flow row of each list counts the stays still open in it.
with today as (
    select list_id, cards
    from {{ ref('trello__list_daily_cards') }}
    where day = {{ trello.utc_today() }}
),

open_stays as (
    select list_id, count(*) as cards
    from {{ ref('trello__card_list_periods') }}
    where left_at is null
    group by list_id
)

select today.list_id, today.cards, open_stays.cards as open_stays
from today
left join open_stays on today.list_id = open_stays.list_id
where today.cards <> coalesce(open_stays.cards, 0)

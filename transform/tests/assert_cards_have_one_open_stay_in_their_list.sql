-- Each card Trello has sits in exactly one list now: its history should leave exactly one
-- stay open, in that list. A warning, not an error: a history cut short by start_date, or
-- actions Trello never logged, can break the chain.
{{ config(severity='warn') }}
select cards.card_id, count(periods.stay_id) as open_stays
from {{ ref('trello__cards') }} as cards
left join {{ ref('trello__card_list_periods') }} as periods
    on cards.card_id = periods.card_id and periods.left_at is null
group by cards.card_id, cards.list_id
having count(periods.stay_id) <> 1
    or max(case when periods.list_id = cards.list_id then 1 else 0 end) = 0

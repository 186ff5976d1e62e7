-- Cumulative flow over the last 30 days: per board, the cards in each list at the end of
-- each day (a stacked area chart of cards by list). Add `and board_id = '<board id>'` for
-- one board.
select
    board_id,
    day,
    list_name,
    cards
from {{ ref('trello__list_daily_cards') }}
where day > {{ dbt.dateadd('day', -30, trello.utc_today()) }}
order by board_id, day, list_name, list_id

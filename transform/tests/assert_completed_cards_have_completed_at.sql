-- A card in a done list should have a completion: its last stay is in a done list. A warning,
-- not an error: a history cut short by start_date can leave a card's last stay elsewhere.
{{ config(severity='warn') }}
select card_id, current_stage, completed_at
from {{ ref('trello__card_cycle_times') }}
where is_completed and completed_at is null

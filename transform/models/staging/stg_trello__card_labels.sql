-- One row per label on a card (cards.idLabels).
{{ trello.card_array_rows('"idLabels"', 'label_id') }}

-- One row per member on a card (cards.idMembers).
{{ trello.card_array_rows('"idMembers"', 'member_id') }}

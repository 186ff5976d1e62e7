-- Power-Up data entries of boards and cards.
{{ trello.optional_source_rows(
    'plugin_data',
    columns={
        'plugin_data_id': 'id',
        'plugin_id': '"idPlugin"',
        'scope': 'scope',
        'model_id': '"idModel"',
        'board_id': 'board_id',
        'card_id': 'card_id',
        'access': 'access',
        'value': 'value',
        'updated_at': '"dateLastUpdated"',
    },
    types={
        'plugin_data_id': 'text', 'plugin_id': 'text', 'scope': 'text', 'model_id': 'text',
        'board_id': 'text', 'card_id': 'text', 'access': 'text', 'value': 'text',
        'updated_at': 'timestamp',
    },
) }}

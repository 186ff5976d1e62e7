-- Members of each workspace, on a board or not (an opt-in stream: empty when not loaded).
{{ trello.optional_source_rows(
    'organization_members',
    columns={
        'organization_id': 'organization_id',
        'member_id': 'id',
        'username': 'username',
        'full_name': '"fullName"',
    },
    types={'organization_id': 'text', 'member_id': 'text', 'username': 'text', 'full_name': 'text'},
) }}

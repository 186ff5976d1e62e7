-- Each workspace's own feed: members and boards added or removed, admins made (an opt-in
-- stream: empty when not loaded).
{{ trello.optional_source_rows(
    'organization_actions',
    columns={
        'action_id': 'id',
        'organization_id': 'organization_id',
        'action_type': 'type',
        'occurred_at': 'date',
        'member_id': '"idMemberCreator"',
        'subject_member_id': "data -> 'member' ->> 'id'",
        'board_id': "data -> 'board' ->> 'id'",
    },
    types={
        'action_id': 'text', 'organization_id': 'text', 'action_type': 'text',
        'occurred_at': 'timestamp', 'member_id': 'text', 'subject_member_id': 'text',
        'board_id': 'text',
    },
) }}

-- Each workspace's memberships: admin or normal, unconfirmed, deactivated (an opt-in
-- stream: empty when not loaded).
{{ trello.optional_source_rows(
    'organization_memberships',
    columns={
        'organization_id': 'organization_id',
        'membership_id': 'id',
        'member_id': '"idMember"',
        'member_type': '"memberType"',
        'is_unconfirmed': 'coalesce(unconfirmed, false)',
        'is_deactivated': 'coalesce(deactivated, false)',
        'last_active_at': '"lastActive"',
    },
    types={
        'organization_id': 'text', 'membership_id': 'text', 'member_id': 'text',
        'member_type': 'text', 'is_unconfirmed': 'boolean', 'is_deactivated': 'boolean',
        'last_active_at': 'timestamp',
    },
) }}

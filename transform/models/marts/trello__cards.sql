-- One row per card Trello has: live cards on a live board, in a live list.
with labels as (
    {{ trello.names_per_card('stg_trello__card_labels', 'stg_trello__labels', 'label_id', 'label_title', 'label_names') }}
),

members as (
    {{ trello.names_per_card('stg_trello__card_members', 'stg_trello__members', 'member_id', 'username', 'member_usernames') }}
),

check_items as (
    select
        card_id,
        count(*) as checklist_items_total,
        sum(case when is_complete then 1 else 0 end) as checklist_items_complete
    from {{ ref('stg_trello__check_items') }}
    group by card_id
),

comments as (
    select card_id, count(*) as comment_count
    from {{ ref('stg_trello__actions') }}
    where action_type = 'commentCard'
    group by card_id
),

power_ups as (
    select
        card_id,
        {{ trello.power_up_entries_json('plugin_id', 'access', 'value', 'plugin_data_id') }} as power_up_data
    from {{ ref('stg_trello__plugin_data') }}
    where scope = 'card'
    group by card_id
),

open_stays as (
    select card_id, list_id, max(entered_at) as entered_at
    from {{ ref('trello__card_list_periods') }}
    where left_at is null
    group by card_id, list_id
)

select
    cards.card_id,
    cards.board_id,
    boards.board_name,
    cards.list_id,
    lists.list_name,
    cards.card_name,
    (cards.is_closed or lists.is_closed) as is_archived,
    cards.created_at,
    cards.last_activity_at,
    cards.due_at,
    cards.is_due_complete,
    labels.label_names,
    members.member_usernames,
    coalesce(check_items.checklist_items_total, 0) as checklist_items_total,
    coalesce(check_items.checklist_items_complete, 0) as checklist_items_complete,
    coalesce(comments.comment_count, 0) as comment_count,
    open_stays.entered_at as current_list_entered_at,
    cards.card_number,
    cards.short_url,
    power_ups.power_up_data
from {{ ref('stg_trello__cards') }} as cards
inner join {{ ref('stg_trello__boards') }} as boards
    on cards.board_id = boards.board_id
inner join {{ ref('stg_trello__lists') }} as lists
    on cards.list_id = lists.list_id
left join labels on cards.card_id = labels.card_id
left join members on cards.card_id = members.card_id
left join check_items on cards.card_id = check_items.card_id
left join comments on cards.card_id = comments.card_id
left join power_ups on cards.card_id = power_ups.card_id
left join open_stays
    on cards.card_id = open_stays.card_id and cards.list_id = open_stays.list_id

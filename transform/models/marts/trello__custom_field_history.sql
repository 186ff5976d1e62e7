-- Custom field history: one row per period of a custom field value on a card of
-- trello__cards. Each updateCustomFieldItem that sets a value opens a period (its id is the
-- period's), which the next updateCustomFieldItem of that field on that card ends; one that
-- clears the value opens none. A current value of the card that no action of its field
-- explains (set before the extracted history) is one period from and until null.
with cards as (
    select card_id, board_id
    from {{ ref('trello__cards') }}
),

fields as (
    select custom_field_id, custom_field_name
    from {{ ref('stg_trello__custom_fields') }}
),

options as (
    select option_id, option_text
    from {{ ref('stg_trello__custom_field_options') }}
),

changes as (
    select
        actions.action_id,
        actions.card_id,
        actions.board_id,
        actions.custom_field_id,
        actions.custom_field_name,
        coalesce(actions.custom_field_value, options.option_text, actions.custom_field_option_id) as value,
        actions.occurred_at,
        lead(actions.occurred_at) over (
            partition by actions.card_id, actions.custom_field_id
            order by actions.occurred_at, actions.action_id
        ) as next_change_at
    from {{ ref('stg_trello__actions') }} as actions
    inner join cards
        on actions.card_id = cards.card_id
    left join options
        on actions.custom_field_option_id = options.option_id
    where actions.action_type = 'updateCustomFieldItem'
        and actions.custom_field_id is not null
),

from_actions as (
    select
        changes.action_id as period_id,
        changes.card_id,
        changes.board_id,
        changes.custom_field_id,
        coalesce(fields.custom_field_name, changes.custom_field_name) as custom_field_name,
        changes.value,
        changes.occurred_at as valid_from,
        changes.next_change_at as valid_until
    from changes
    left join fields
        on changes.custom_field_id = fields.custom_field_id
    where changes.value is not null
),

unexplained as (
    select
        items.custom_field_item_id as period_id,
        items.card_id,
        cards.board_id,
        items.custom_field_id,
        fields.custom_field_name,
        coalesce(items.value_text, options.option_text, items.option_id) as value,
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_until
    from {{ ref('stg_trello__card_custom_field_items') }} as items
    inner join cards
        on items.card_id = cards.card_id
    left join fields
        on items.custom_field_id = fields.custom_field_id
    left join options
        on items.option_id = options.option_id
    where not exists (
        select 1
        from changes
        where changes.card_id = items.card_id and changes.custom_field_id = items.custom_field_id
    )
)

select * from from_actions
union all
select * from unexplained

{#- One row per element of an array column of the live cards, e.g. cards.idLabels. -#}
{% macro card_array_rows(array_column, element_name) -%}
with card_element as (
    select
        id as card_id,
        {{ trello.unnest_ids(array_column) }} as {{ element_name }}
    from {{ source('trello', 'cards') }}
    {{ trello.live_rows(source('trello', 'cards')) }}
)

select distinct card_id, {{ element_name }}
from card_element
{%- endmacro %}

{#- Per card, the sorted names of what a bridge model links it to (its labels, members). -#}
{% macro names_per_card(bridge_model, named_model, key, name_column, alias) -%}
    select
        bridge.card_id,
        {{ trello.sorted_list('named.' ~ name_column) }} as {{ alias }}
    from {{ ref(bridge_model) }} as bridge
    inner join {{ ref(named_model) }} as named
        on bridge.{{ key }} = named.{{ key }}
    group by bridge.card_id
{%- endmacro %}

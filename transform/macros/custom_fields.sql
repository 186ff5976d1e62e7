{#- A custom field value object as text: the number, text, date or checkbox string Trello
    sends ({"number": "5"} is '5'); null for none (a list field's option is in idValue). -#}
{% macro custom_field_value_text(value_json) -%}
    coalesce(
        {{ value_json }} ->> 'number',
        {{ value_json }} ->> 'text',
        {{ value_json }} ->> 'date',
        {{ value_json }} ->> 'checked'
    )
{%- endmacro %}

{#- A staging view over a source table the warehouse may not have: the opt-in
    workspace-level streams, or a stream deselected or not yet loaded. With the table, its
    live rows as `columns` (output name -> SQL over the table); without it, an empty view
    of the same columns and types (`types`: output name -> SQL type), so dbt still builds. -#}
{% macro optional_source_rows(table_name, columns, types) -%}
  {%- set declared = source('trello', table_name) -%}
  {%- set loaded = none -%}
  {%- if execute -%}
    {%- set loaded = adapter.get_relation(database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
  {%- endif -%}
  {%- if loaded is not none %}
select
  {%- for name, expression in columns.items() %}
    cast({{ expression }} as {{ types[name] }}) as {{ name }}{{ "," if not loop.last }}
  {%- endfor %}
from {{ declared }}
{{ trello.live_rows(declared) }}
  {%- else %}
select
  {%- for name in columns %}
    cast(null as {{ types[name] }}) as {{ name }}{{ "," if not loop.last }}
  {%- endfor %}
where 1 = 0
  {%- endif %}
{%- endmacro %}

{#- The rows Trello still has: the loader marks the others with _sdc_deleted_at (the tap's
    deletion records and ACTIVATE_VERSION). A table loaded without the _sdc_* metadata
    columns has only live rows, so the filter is left out there. -#}
{% macro live_rows(relation) -%}
  {%- if execute -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if '_sdc_deleted_at' in names %}where _sdc_deleted_at is null{% endif -%}
  {%- endif -%}
{%- endmacro %}

{#- What PostgreSQL and DuckDB spell differently, dispatched on the adapter
    (default__ is PostgreSQL's spelling). -#}

{#- The creation time in a Trello id: its first 4 bytes, Unix seconds (naive UTC). -#}
{% macro timestamp_from_id(id_column) -%}
  {{ return(adapter.dispatch('timestamp_from_id', 'trello')(id_column)) }}
{%- endmacro %}
{% macro default__timestamp_from_id(id_column) -%}
  (to_timestamp(('x' || substr({{ id_column }}, 1, 8))::bit(32)::bigint) at time zone 'UTC')
{%- endmacro %}
{% macro duckdb__timestamp_from_id(id_column) -%}
  epoch_ms(cast(('0x' || substr({{ id_column }}, 1, 8)) as bigint) * 1000)
{%- endmacro %}

{#- One row per element of an array of ids (PostgreSQL text[], target-duckdb's JSON). -#}
{% macro unnest_ids(array_column) -%}
  {{ return(adapter.dispatch('unnest_ids', 'trello')(array_column)) }}
{%- endmacro %}
{% macro default__unnest_ids(array_column) -%}
  unnest({{ array_column }})
{%- endmacro %}
{% macro duckdb__unnest_ids(array_column) -%}
  unnest(cast({{ array_column }} as varchar[]))
{%- endmacro %}

{#- Today's date in UTC, whatever the session's time zone. -#}
{% macro utc_today() -%}
  {{ return(adapter.dispatch('utc_today', 'trello')()) }}
{%- endmacro %}
{% macro default__utc_today() -%}
  cast(now() at time zone 'UTC' as date)
{%- endmacro %}
{% macro duckdb__utc_today() -%}
  cast(current_timestamp at time zone 'UTC' as date)
{%- endmacro %}

{#- The current time in UTC, naive, as the models' timestamps are. -#}
{% macro utc_now() -%}
  {{ return(adapter.dispatch('utc_now', 'trello')()) }}
{%- endmacro %}
{% macro default__utc_now() -%}
  (now() at time zone 'UTC')
{%- endmacro %}
{% macro duckdb__utc_now() -%}
  cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- Seconds from one timestamp to a later one, to the millisecond. -#}
{% macro seconds_between(start_column, end_column) -%}
  {{ return(adapter.dispatch('seconds_between', 'trello')(start_column, end_column)) }}
{%- endmacro %}
{% macro default__seconds_between(start_column, end_column) -%}
  cast(extract(epoch from ({{ end_column }} - {{ start_column }})) as numeric(18, 3))
{%- endmacro %}
{% macro duckdb__seconds_between(start_column, end_column) -%}
  cast(date_diff('millisecond', {{ start_column }}, {{ end_column }}) / 1000.0 as decimal(18, 3))
{%- endmacro %}

{#- One row per day from one date to another, both included (a set-returning expression). -#}
{% macro day_series(first_day, last_day) -%}
  {{ return(adapter.dispatch('day_series', 'trello')(first_day, last_day)) }}
{%- endmacro %}
{% macro default__day_series(first_day, last_day) -%}
  cast(generate_series(cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval '1 day') as date)
{%- endmacro %}
{% macro duckdb__day_series(first_day, last_day) -%}
  cast(unnest(generate_series(cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval '1 day')) as date)
{%- endmacro %}

{#- A text expression that sorts by code point, as Python's sorted() does. -#}
{% macro code_point_order(expression) -%}
  {{ return(adapter.dispatch('code_point_order', 'trello')(expression)) }}
{%- endmacro %}
{% macro default__code_point_order(expression) -%}
  {{ expression }} collate "C"
{%- endmacro %}
{% macro duckdb__code_point_order(expression) -%}
  {{ expression }}
{%- endmacro %}

{#- Names joined with ", " in code point order. -#}
{% macro sorted_list(expression) -%}
  string_agg({{ expression }}, ', ' order by {{ trello.code_point_order(expression) }})
{%- endmacro %}

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

{#- The Monday (a date) of the ISO week of a timestamp: weeks start on Monday 00:00 UTC. -#}
{% macro week_start(timestamp_column) -%}
  cast(date_trunc('week', cast({{ timestamp_column }} as timestamp)) as date)
{%- endmacro %}

{#- One row per week from one Monday to another, both included (a set-returning expression). -#}
{% macro week_series(first_week, last_week) -%}
  {{ return(adapter.dispatch('week_series', 'trello')(first_week, last_week)) }}
{%- endmacro %}
{% macro default__week_series(first_week, last_week) -%}
  cast(generate_series(cast({{ first_week }} as timestamp), cast({{ last_week }} as timestamp), interval '7 days') as date)
{%- endmacro %}
{% macro duckdb__week_series(first_week, last_week) -%}
  cast(unnest(generate_series(cast({{ first_week }} as timestamp), cast({{ last_week }} as timestamp), interval '7 days')) as date)
{%- endmacro %}

{#- The continuous percentile of an aggregate (linear interpolation between the two closest
    values), as a double: PostgreSQL's ordered-set aggregate, DuckDB's quantile_cont (which on
    a decimal would round to its scale, hence the cast). -#}
{% macro percentile_cont(fraction, expression) -%}
  {{ return(adapter.dispatch('percentile_cont', 'trello')(fraction, expression)) }}
{%- endmacro %}
{% macro default__percentile_cont(fraction, expression) -%}
  percentile_cont({{ fraction }}) within group (order by cast({{ expression }} as double precision))
{%- endmacro %}
{% macro duckdb__percentile_cont(fraction, expression) -%}
  quantile_cont(cast({{ expression }} as double), {{ fraction }})
{%- endmacro %}

{#- One row per element of a JSON array column (PostgreSQL: jsonb[] as target-postgres loads an
    array of objects, or jsonb; DuckDB: JSON), each a JSON value (a set-returning expression). -#}
{% macro json_array_elements(array_column) -%}
  {{ return(adapter.dispatch('json_array_elements', 'trello')(array_column)) }}
{%- endmacro %}
{% macro default__json_array_elements(array_column) -%}
  jsonb_array_elements(to_jsonb({{ array_column }}))
{%- endmacro %}
{% macro duckdb__json_array_elements(array_column) -%}
  unnest(cast({{ array_column }} as json[]))
{%- endmacro %}

{#- A name's words for whole-word matching: lower case, each run of characters that are not
    letters or digits (spaces, punctuation, symbols, emoji) made one space, and a space at
    each end, so that `like '% done %'` finds the word "done" ("Done ✔", "QA/Done") but not
    "Undone". Letters and digits are 0-9, a-z and U+00C0 to U+1FFF but × and ÷ (the letters
    of the Latin, Greek, Cyrillic... alphabets, whatever their case); every other character,
    CJK included, separates words. The same explicit code-point ranges in both engines'
    regular expressions, rather than \b or [[:alnum:]], whose meaning varies with the engine
    and, in PostgreSQL, with the database's locale. -#}
{% macro padded_words(expression) -%}
  {{ return(adapter.dispatch('padded_words', 'trello')(expression)) }}
{%- endmacro %}
{% macro default__padded_words(expression) -%}
  (' ' || regexp_replace(lower(coalesce({{ expression }}, '')), '[^0-9a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff]+', ' ', 'g') || ' ')
{%- endmacro %}
{% macro duckdb__padded_words(expression) -%}
  (' ' || regexp_replace(lower(coalesce({{ expression }}, '')), '[^0-9a-z\x{00c0}-\x{00d6}\x{00d8}-\x{00f6}\x{00f8}-\x{1fff}]+', ' ', 'g') || ' ')
{%- endmacro %}

{#- Per group, a JSON array of Power-Up data entries ({id_plugin, access, value}), in a
    fixed order; `value` stays Trello's JSON text. -#}
{% macro power_up_entries_json(plugin_id, access, value, entry_id) -%}
  {{ return(adapter.dispatch('power_up_entries_json', 'trello')(plugin_id, access, value, entry_id)) }}
{%- endmacro %}
{% macro default__power_up_entries_json(plugin_id, access, value, entry_id) -%}
  json_agg(
    json_build_object('id_plugin', {{ plugin_id }}, 'access', {{ access }}, 'value', {{ value }})
    order by {{ trello.code_point_order(plugin_id) }}, {{ trello.code_point_order(access) }}, {{ trello.code_point_order(entry_id) }}
  )
{%- endmacro %}
{% macro duckdb__power_up_entries_json(plugin_id, access, value, entry_id) -%}
  to_json(list(
    {'id_plugin': {{ plugin_id }}, 'access': {{ access }}, 'value': {{ value }}}
    order by {{ plugin_id }}, {{ access }}, {{ entry_id }}
  ))
{%- endmacro %}

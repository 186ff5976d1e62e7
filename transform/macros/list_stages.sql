{#- Workflow stages: every list is a backlog, in_progress or done list (Jira's status
    categories). The dbt variable trello_list_stages names the stage of lists by id or by name
    (case-insensitive, trimmed); Meltano's dbt utilities pass their setting trello_list_stages
    as the JSON variable DBT_TRELLO_LIST_STAGES, read when the dbt variable is not set. A list
    it does not name gets its stage from the words of its name (trello.padded_words): done
    words first, then backlog words, else in_progress. -#}

{% macro list_stage_done_words() -%}
  {{ return(['done', 'complete', 'completed', 'finished', 'shipped', 'released', 'resolved', 'closed']) }}
{%- endmacro %}

{% macro list_stage_backlog_words() -%}
  {{ return(['backlog', 'to do', 'todo', 'inbox', 'ideas', 'icebox', 'planned', 'later']) }}
{%- endmacro %}

{#- The trello_list_stages mapping, checked: {list name or id: stage}. -#}
{% macro list_stage_map() -%}
  {%- set configured = var('trello_list_stages', none) -%}
  {%- if configured is none -%}
    {%- set configured = env_var('DBT_TRELLO_LIST_STAGES', '') -%}
  {%- endif -%}
  {%- if configured is string -%}
    {%- set configured = fromjson(configured) if configured | trim else none -%}
  {%- endif -%}
  {%- if configured is none -%}
    {%- set configured = {} -%}
  {%- endif -%}
  {%- if configured is not mapping -%}
    {{ exceptions.raise_compiler_error("trello_list_stages must map list names or ids to a stage, e.g. {'Waiting': 'in_progress'}; got " ~ configured) }}
  {%- endif -%}
  {%- set stages = {} -%}
  {%- for key, stage in configured.items() -%}
    {%- if stage not in ('backlog', 'in_progress', 'done') -%}
      {{ exceptions.raise_compiler_error("trello_list_stages: the stage of '" ~ key ~ "' is '" ~ stage ~ "'; a stage is backlog, in_progress or done") }}
    {%- endif -%}
    {%- do stages.update({key | string: stage}) -%}
  {%- endfor -%}
  {{ return(stages) }}
{%- endmacro %}

{%- macro _list_stage_literal(text) -%}
  '{{ text | replace("'", "''") }}'
{%- endmacro -%}

{#- The stage of a list, from its id and name: trello_list_stages by id, then by name, then the
    done words, then the backlog words, else in_progress. -#}
{% macro list_stage(list_id, list_name) -%}
  {%- set stages = trello.list_stage_map() -%}
  {%- set words = trello.padded_words(list_name) -%}
  case
  {%- for key, stage in stages.items() %}
    when {{ list_id }} = {{ trello._list_stage_literal(key) }} then '{{ stage }}'
  {%- endfor %}
  {%- for key, stage in stages.items() %}
    when lower(trim({{ list_name }})) = lower(trim({{ trello._list_stage_literal(key) }})) then '{{ stage }}'
  {%- endfor %}
    when {% for word in trello.list_stage_done_words() %}{{ words }} like '% {{ word }} %'{% if not loop.last %} or {% endif %}{% endfor %} then 'done'
    when {% for word in trello.list_stage_backlog_words() %}{{ words }} like '% {{ word }} %'{% if not loop.last %} or {% endif %}{% endfor %} then 'backlog'
    else 'in_progress'
  end
{%- endmacro %}

{#- Fails on every combination of `columns` found on more than one row. -#}
{% test trello_unique_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

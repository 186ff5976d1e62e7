{#- Fails on every row where `column_name` is below zero. -#}
{% test trello_not_negative(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0
{% endtest %}

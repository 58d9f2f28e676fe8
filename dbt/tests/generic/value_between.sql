{#
  Range check for a numeric column (e.g. a rate between 0 and 1), bounds inclusive. NULL is allowed:
  an undefined figure (churn of the last month) is NULL by definition; pair with not_null where not.
#}
{% test value_between(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }}
   or {{ column_name }} > {{ max_value }}

{% endtest %}

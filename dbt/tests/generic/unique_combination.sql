{#
  A composite key: no two rows share the same values of `columns` (the dbt_utils test of the same
  idea, written here because the package hub is not reachable). Fails with one row per duplicated key.
#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}

{#
  A composite key: no two rows share the same values of `columns` (the dbt_utils test of the same
  idea, written here because the package hub is not reachable). Fails with one row per duplicated key.
#}
{# Implementations per engine: macros/integrity_tests.sql. #}
{% test unique_combination(model, columns) %}
    {{ adapter.dispatch('test_unique_combination')(model, columns) }}
{% endtest %}

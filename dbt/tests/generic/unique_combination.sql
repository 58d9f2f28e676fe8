{#
  A composite key: no two rows share the same values of `columns` (the dbt_utils test of the same
  idea, written here because the package hub is not reachable). Fails with one row per duplicated key.

  `within` (optional, a ref): the relation the tested rows' keys must be unique in, when the tested
  rows are only part of it. A staging test scoped to the months whose files changed
  (macros/fact_test_scope.sql) reads the new months' rows as `model` and passes the whole model as
  `within`: a new month's key that repeats an old month's still fails, and the old months' keys are
  not grouped again. That is exact: the months left out passed together, with these very files,
  on the last build where the test passed (a month whose files changed since is read again), so a
  duplicate can only involve a row of the months read. When `model` is the whole relation (the
  scope reads every month: none passed yet, --full-refresh, Athena, Trino, a view without the
  partition columns), `within` changes nothing. A NULL key counts as a key, as in dbt_utils' test
  of the same name (two NULL order_ids fail `unique_stg_fact_orders_order_id` and `not_null`).
#}
{# Implementations per engine: macros/integrity_tests.sql. #}
{% test unique_combination(model, columns, within=none) %}
    {{ adapter.dispatch('test_unique_combination')(model, columns, within) }}
{% endtest %}

{#
  dbt's `relationships` on several columns: every row's `columns` (none NULL) appear together in
  a row of `to`, under the same names. Fails with the rows whose combination `to` lacks.
  Rows with a NULL in `columns` are left to `not_null`, as dbt's test leaves them.

  The order lines use it on [order_id, order_date]: a line's order exists, on the line's date.
  The date makes the month scope of the staging tests (macros/fact_test_scope.sql) exact for it:
  a line passes only beside its order, in its own month, so an order can only disappear with a
  change to its month's files, which re-tests that month's lines. Checked on order_id alone, a
  March line could point at a February order, and a later change removing that order from
  February would leave the March line, whose files did not change, untested.
#}
{# Implementations per engine: macros/integrity_tests.sql. #}
{% test relationships_on(model, to, columns) %}
    {{ adapter.dispatch('test_relationships_on')(model, to, columns) }}
{% endtest %}

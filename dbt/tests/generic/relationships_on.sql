{#
  dbt's `relationships` on several columns: every row's `columns` (none NULL) appear together in
  a row of `to`, under the same names, that also meets `to_where` (optional, SQL on `to`'s
  columns). Fails with the rows whose combination `to` lacks. Rows with a NULL in any of
  `columns` are left out (dbt's test leaves out only a NULL in its one column): the order lines'
  `not_null` tests fail on them instead.

  The order lines use it on [order_id, order_date], with `to_where` holding the order to the
  folder of its month: a line's order exists, on the line's date, in the line's month's folder
  (when the line sits in its own: the partition test, run in the same build, holds each line
  there). That makes the month scope of the staging tests (macros/fact_test_scope.sql) exact
  for it in a whole `dbt build`: a month's lines pass only beside their orders in the same
  month's files, so an order can only disappear with a change to those files, which re-tests
  its lines. Checked on order_id alone, a March line
  could point at a February order, and a later change removing that order from February would
  leave the March line, whose files did not change, untested; without `to_where`, an order
  misplaced in March's folder but dated in February could stand for a February line, with the
  same result once it is removed.
#}
{# Implementations per engine: macros/integrity_tests.sql. #}
{% test relationships_on(model, to, columns, to_where=none) %}
    {{ adapter.dispatch('test_relationships_on')(model, to, columns, to_where) }}
{% endtest %}

-- Money invariant across the two facts: per month, the order lines add up to their orders'
-- headers to the cent (line count = Σ item_count, Σ quantity = Σ units, Σ quantity·unit_price =
-- Σ subtotal, Σ discount = Σ discount_total, Σ line_total = Σ (subtotal − discount_total)).
-- Per month rather than per order: the same guard against lost or doubled lines at a fraction
-- of the cost on millions of lines (per-order integrity is the lines' order test's and the key tests').
-- Fails with one row per month that disagrees. On DuckDB it reads only the months whose files
-- changed since it last passed (macros/fact_test_scope.sql).
{{ config(where='__changed_fact_months__') }}
with lines as (

    select
        order_month_start,
        count(*) as item_count,
        sum(quantity) as units,
        sum(quantity * unit_price) as subtotal,
        sum(discount) as discount_total,
        sum(line_total) as net_total

    from {{ get_where_subquery(ref('stg_fact_order_items')) }}
    group by order_month_start

),

orders as (

    select
        order_month_start,
        sum(item_count) as item_count,
        sum(units) as units,
        sum(subtotal) as subtotal,
        sum(discount_total) as discount_total,
        sum(subtotal - discount_total) as net_total

    from {{ get_where_subquery(ref('stg_fact_orders')) }}
    group by order_month_start

)

select
    coalesce(orders.order_month_start, lines.order_month_start) as order_month_start,
    orders.subtotal,
    lines.subtotal as lines_subtotal,
    orders.item_count,
    lines.item_count as lines_item_count

from orders
full outer join lines on lines.order_month_start = orders.order_month_start
where orders.order_month_start is null
   or lines.order_month_start is null
   or orders.item_count <> lines.item_count
   or orders.units <> lines.units
   or orders.subtotal <> lines.subtotal
   or orders.discount_total <> lines.discount_total
   or orders.net_total <> lines.net_total

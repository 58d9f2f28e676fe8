-- One row per observed month: a month holding at least one valid order, whatever its status.
-- Month-level marts report these months only, and "next month" figures (churn, retention) exist
-- only where that month has been observed. Kept whole while the facts are unchanged
-- (macros/facts_unchanged.sql): it reads the orders only.
{{ facts_unchanged_config() }}
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

final as (

    select distinct order_month_start as month
    from orders

)

select * from final
{{ facts_unchanged_filter() }}

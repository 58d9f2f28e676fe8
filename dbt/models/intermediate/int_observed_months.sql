-- One row per observed month: a month holding at least one valid order, whatever its status.
-- Month-level marts report these months only, and "next month" figures (churn, retention) exist
-- only where that month has been observed.
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

final as (

    select distinct order_month_start as month
    from orders

)

select * from final

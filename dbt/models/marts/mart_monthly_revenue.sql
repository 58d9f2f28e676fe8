-- One row per observed month: revenue (Σ order_total_usd), orders, AOV, units sold and active
-- customers, all of completed orders only (README, "Metric definitions"). A month with orders but none
-- completed has zero revenue and no AOV.
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}
    -- months that still have completed orders (Athena keeps a vanished month's partition)
    where {{ month_still_has_input('activity_month', 'customers_fingerprint') }}

),

completed_by_month as (

    select
        order_month_start as month,
        sum(order_total_usd) as revenue_usd,
        count(*) as orders,
        sum(units) as units

    from orders
    where status = 'completed'
    group by order_month_start

),

-- one row per active customer and month already: counting rows avoids a distinct over orders
active_by_month as (

    select
        activity_month as month,
        count(*) as active_customers

    from customer_months
    group by activity_month

),

monthly as (

    select
        observed_months.month,
        cast(coalesce(completed_by_month.revenue_usd, 0) as decimal(18, 2)) as revenue_usd,
        coalesce(completed_by_month.orders, 0) as orders,
        cast(coalesce(completed_by_month.units, 0) as {{ dbt.type_bigint() }}) as units,
        coalesce(active_by_month.active_customers, 0) as active_customers

    from observed_months
    left join completed_by_month on completed_by_month.month = observed_months.month
    left join active_by_month on active_by_month.month = observed_months.month

),

final as (

    select
        month,
        revenue_usd,
        orders,
        {{ round_ratio('revenue_usd', 'orders', 2) }} as aov_usd,
        units,
        active_customers

    from monthly

)

select * from final

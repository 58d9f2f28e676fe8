-- The marts agree with each other: per month, revenue and orders by country add up to the
-- monthly totals, and the active customers of the revenue and activity marts are the same.
-- Fails with one row per month that disagrees.
with monthly as (

    select * from {{ ref('mart_monthly_revenue') }}

),

by_country as (

    select
        month,
        sum(revenue_usd) as revenue_usd,
        sum(orders) as orders

    from {{ ref('mart_geo_engagement') }}
    group by month

),

active as (

    select * from {{ ref('mart_monthly_active_customers') }}

)

select
    monthly.month,
    monthly.revenue_usd,
    by_country.revenue_usd as revenue_usd_by_country,
    monthly.active_customers,
    active.active_customers as active_customers_from_activity

from monthly
left join by_country on by_country.month = monthly.month
left join active on active.month = monthly.month
where coalesce(by_country.revenue_usd, 0) <> monthly.revenue_usd
   or coalesce(by_country.orders, 0) <> monthly.orders
   or active.active_customers is null
   or active.active_customers <> monthly.active_customers

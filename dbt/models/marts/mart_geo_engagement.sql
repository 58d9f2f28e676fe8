-- One row per month and customer country with completed orders: active customers, orders,
-- revenue, AOV and repeat rate (README, "Metric definitions"). Computed incrementally by month in
-- int_geo_engagement_monthly; this is its exported shape.
with country_months as (

    select * from {{ ref('int_geo_engagement_monthly') }}

),

final as (

    select
        month,
        country,
        active_customers,
        orders,
        revenue_usd,
        aov_usd,
        repeat_rate

    from country_months

)

select * from final

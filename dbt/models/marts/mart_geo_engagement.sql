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
    -- the months that have completed orders now: on Athena a month whose input is all gone keeps
    -- its partition in the incremental table until a full refresh (Athena deletes nothing)
    where month in (
        select month from {{ ref('int_cohort_month_fingerprints') }}
    )

)

select * from final

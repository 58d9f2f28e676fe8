-- mart_geo_engagement, built incrementally: one row per month and customer country with
-- completed orders (active customers, orders, revenue, AOV and repeat rate = share of those
-- customers who are not new: their cohort month is earlier, or they signed up before the data
-- window and have none, int_customer_cohorts), with its month's input checksum, the month last
-- (the partition column on Athena and Trino). The mart selects the exported columns from it.
-- A customer counts in the country their orders carry.
--
-- Incremental by month (docs/scale.md, "Incremental dbt"): a month's rows depend on its completed
-- orders and on which customers have it as their cohort month, which any month's orders can move
-- (int_cohort_month_fingerprints.geo_engagement_fingerprint). A run rebuilds the months from the
-- earliest one whose checksum changed and keeps the others; `dbt build --full-refresh` rebuilds
-- everything.
{{ month_incremental_config('month', 'geo_engagement_fingerprint', 'int_cohort_month_fingerprints') }}
with
{{ month_rebuild_cte('month', 'geo_engagement_fingerprint', 'int_cohort_month_fingerprints') }}

orders as (

    select * from {{ ref('stg_fact_orders') }}
    {% if month_incremental_is_incremental() %}
    where {{ month_rebuild_facts_filter() }}
    {% endif %}

),

month_fingerprints as (

    select
        month,
        geo_engagement_fingerprint as fingerprint

    from {{ ref('int_cohort_month_fingerprints') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

customer_country_months as (

    select
        order_month_start as month,
        customer_country as country,
        customer_id,
        count(*) as orders,
        sum(order_total_usd) as revenue_usd

    from orders
    where status = 'completed'
    group by order_month_start, customer_country, customer_id

),

monthly as (

    select
        customer_country_months.month,
        customer_country_months.country,
        count(*) as active_customers,
        cast(sum(customer_country_months.orders) as {{ dbt.type_bigint() }}) as orders,
        cast(sum(customer_country_months.revenue_usd) as decimal(18, 2)) as revenue_usd,
        count(
            case when customer_cohorts.cohort_month is null
                or customer_cohorts.cohort_month < customer_country_months.month then 1 end
        ) as repeat_customers

    from customer_country_months
    inner join customer_cohorts
        on customer_cohorts.customer_id = customer_country_months.customer_id
    group by customer_country_months.month, customer_country_months.country

),

final as (

    select
        monthly.country,
        monthly.active_customers,
        monthly.orders,
        monthly.revenue_usd,
        {{ round_ratio('monthly.revenue_usd', 'monthly.orders', 2) }} as aov_usd,
        {{ round_ratio('monthly.repeat_customers', 'monthly.active_customers', 6) }} as repeat_rate,
        month_fingerprints.fingerprint as source_fingerprint,
        -- last: the partition column (Athena, Trino) goes at the end
        monthly.month

    from monthly
    inner join month_fingerprints on month_fingerprints.month = monthly.month

)

select * from final

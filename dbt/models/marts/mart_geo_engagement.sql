-- One row per month and customer country with completed orders: active customers, orders,
-- revenue, AOV and repeat rate = share of those customers who are not new: their cohort month is
-- earlier, or they signed up before the data window and have none (int_customer_cohorts).
-- A customer counts in the country their orders carry.
with orders as (

    select * from {{ ref('stg_fact_orders') }}

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
        month,
        country,
        active_customers,
        orders,
        revenue_usd,
        {{ round_ratio('revenue_usd', 'orders', 2) }} as aov_usd,
        {{ round_ratio('repeat_customers', 'active_customers', 6) }} as repeat_rate

    from monthly

)

select * from final

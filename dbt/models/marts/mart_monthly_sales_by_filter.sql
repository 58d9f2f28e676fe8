-- The dashboard's filters: one row per month and filter cell with completed orders. A cell is a
-- customer country, a sales channel and a customer segment, each either a value or 'all' (every
-- combination, cube), so a filter on any subset reads one row and never adds distinct counts up
-- across cells. Per cell: revenue, orders, active customers (distinct, within the cell), new
-- customers (active in the cell in their cohort month: int_customer_cohorts) and churned
-- customers (active in the cell and not in the same cell the next month; NULL where the next
-- month has not been observed, as in mart_monthly_churn).
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

customer_cells as (

    select
        order_month_start as month,
        coalesce(customer_country, 'all') as country,
        coalesce(sales_channel, 'all') as sales_channel,
        coalesce(customer_segment, 'all') as customer_segment,
        customer_id,
        count(*) as orders,
        sum(order_total_usd) as revenue_usd

    from orders
    where status = 'completed'
    group by order_month_start, customer_id, cube (customer_country, sales_channel, customer_segment)

),

with_next as (

    select
        customer_cells.*,
        lead(month) over (
            partition by customer_id, country, sales_channel, customer_segment order by month
        ) as next_active_month

    from customer_cells

),

monthly as (

    select
        with_next.month,
        with_next.country,
        with_next.sales_channel,
        with_next.customer_segment,
        cast(sum(with_next.revenue_usd) as decimal(18, 2)) as revenue_usd,
        cast(sum(with_next.orders) as {{ dbt.type_bigint() }}) as orders,
        count(*) as active_customers,
        count(case when customer_cohorts.cohort_month = with_next.month then 1 end) as new_customers,
        count(
            case when with_next.next_active_month is null
                or with_next.next_active_month > {{ dbt.dateadd('month', 1, 'with_next.month') }} then 1 end
        ) as churned

    from with_next
    inner join customer_cohorts on customer_cohorts.customer_id = with_next.customer_id
    group by with_next.month, with_next.country, with_next.sales_channel, with_next.customer_segment

),

final as (

    select
        monthly.month,
        monthly.country,
        monthly.sales_channel,
        monthly.customer_segment,
        monthly.revenue_usd,
        monthly.orders,
        monthly.active_customers,
        monthly.new_customers,
        case when next_observed.month is not null then monthly.churned end as churned_customers

    from monthly
    left join observed_months as next_observed
        on next_observed.month = {{ dbt.dateadd('month', 1, 'monthly.month') }}

)

select * from final

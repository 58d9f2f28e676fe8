-- One row per customer per month in which the customer had at least one completed order
-- ("active" in the README's metric definitions), with the customer's cohort (month of the first completed order).
-- Ids and months only: the marts that need money sum it from the orders themselves, and a
-- per-customer sum here would cost more than every mart that reads this table.
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

customer_months as (

    select distinct
        customer_id,
        order_month_start as activity_month

    from orders
    where status = 'completed'

),

with_cohort as (

    select
        customer_id,
        activity_month,
        min(activity_month) over (partition by customer_id) as cohort_month

    from customer_months

),

final as (

    select
        customer_id,
        activity_month,
        cohort_month,
        {{ dbt.datediff('cohort_month', 'activity_month', 'month') }} as months_since_cohort

    from with_cohort

)

select * from final

-- One row per customer with a completed order: their signup date, first completed order month and
-- cohort month. Honest cohorts (README, "Metric definitions"): the data window opens at the first
-- observed month, but the store is older, so a customer who signed up before the window may have
-- ordered before it. Such a customer has no cohort (NULL): never "new", always returning. Customers
-- who signed up inside the window have their first completed order month as cohort.
-- A separate model, so int_customer_months keeps its shape (and its incremental build).
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

window_start as (

    select min(month) as first_month
    from observed_months

),

-- over every valid order of the customer, whatever its status
signups as (

    select
        customer_id,
        min(customer_signup_date) as signup_date

    from orders
    group by customer_id

),

first_orders as (

    select
        customer_id,
        min(activity_month) as first_order_month

    from customer_months
    group by customer_id

),

final as (

    select
        first_orders.customer_id,
        signups.signup_date,
        first_orders.first_order_month,
        case when signups.signup_date >= window_start.first_month
            then first_orders.first_order_month end as cohort_month

    from first_orders
    inner join signups on signups.customer_id = first_orders.customer_id
    cross join window_start

)

select * from final

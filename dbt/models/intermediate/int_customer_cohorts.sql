-- One row per customer with a completed order: their signup date, first completed order month and
-- cohort month. Honest cohorts (README, "Metric definitions"): the data window opens at the first
-- observed month, but the store is older, so a customer who signed up before the window may have
-- ordered before it. Such a customer has no cohort (NULL): never "new", always returning. Customers
-- who signed up inside the window have their first completed order month as cohort.
-- Built whole from every month's orders: int_customer_months takes its cohort_month (the first
-- completed order month, whatever the signup) from here, so its incremental build needs no kept
-- rows. It reads the orders only (the window's first month is int_observed_months' first), so it
-- can be kept whole while the facts are unchanged (macros/facts_unchanged.sql).
{{ facts_unchanged_config() }}
with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

-- the first observed month: the first month holding any valid order, whatever its status
window_start as (

    select min(order_month_start) as first_month
    from orders

),

-- signup over every valid order of the customer, whatever its status; first order over the
-- completed ones
customers as (

    select
        customer_id,
        min(customer_signup_date) as signup_date,
        min(case when status = 'completed' then order_month_start end) as first_order_month

    from orders
    -- an order without a customer_id (a staging test fails it) makes no customer row
    where customer_id is not null
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.signup_date,
        customers.first_order_month,
        case when customers.signup_date >= window_start.first_month
            then customers.first_order_month end as cohort_month

    from customers
    cross join window_start
    where customers.first_order_month is not null

)

select * from final
{{ facts_unchanged_filter() }}

-- One row per observed month: active customers (at least one completed order in the month), new
-- ones (their cohort month is the month: first completed order, signed up inside the data window;
-- int_customer_cohorts) and returning ones (active and not new, including customers who signed up
-- before the window).
with customer_months as (

    select * from {{ ref('int_customer_months') }}
    -- months that still have completed orders (Athena keeps a vanished month's partition)
    where {{ month_still_has_input('activity_month', 'customers_fingerprint') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

activity as (

    select
        customer_months.customer_id,
        customer_months.activity_month,
        customer_cohorts.cohort_month = customer_months.activity_month as is_new

    from customer_months
    inner join customer_cohorts on customer_cohorts.customer_id = customer_months.customer_id

),

final as (

    select
        observed_months.month,
        count(activity.customer_id) as active_customers,
        count(case when activity.is_new then 1 end) as new_customers,
        count(activity.customer_id) - count(case when activity.is_new then 1 end) as returning_customers

    from observed_months
    left join activity on activity.activity_month = observed_months.month
    group by observed_months.month

)

select * from final

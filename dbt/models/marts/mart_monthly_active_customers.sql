-- One row per observed month: active customers (at least one completed order in the month), new
-- ones (first completed order ever in the month) and returning ones (active and not new).
with customer_months as (

    select * from {{ ref('int_customer_months') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

final as (

    select
        observed_months.month,
        count(customer_months.customer_id) as active_customers,
        count(case when customer_months.activity_month = customer_months.cohort_month then 1 end)
            as new_customers,
        count(case when customer_months.activity_month > customer_months.cohort_month then 1 end)
            as returning_customers

    from observed_months
    left join customer_months on customer_months.activity_month = observed_months.month
    group by observed_months.month

)

select * from final

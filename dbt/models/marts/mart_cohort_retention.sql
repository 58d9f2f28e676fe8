-- One row per cohort (month of the customers' first completed order, for customers who signed up
-- inside the data window: int_customer_cohorts) and months_since_cohort k = 0..6 for which month
-- cohort + k has been observed: cohort size, customers of the cohort active in cohort + k (0 when
-- nobody was), and retention = active ÷ cohort size. Customers who signed up before the window
-- belong to no cohort.
with all_customer_months as (

    select * from {{ ref('int_customer_months') }}
    -- months that still have completed orders (Athena keeps a vanished month's partition)
    where {{ month_still_has_input('activity_month', 'customers_fingerprint') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

customer_months as (

    select all_customer_months.*
    from all_customer_months
    inner join customer_cohorts
        on customer_cohorts.customer_id = all_customer_months.customer_id
        and customer_cohorts.cohort_month is not null

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

cohorts as (

    select
        cohort_month,
        count(*) as cohort_size

    from customer_months
    where months_since_cohort = 0
    group by cohort_month

),

observed_grid as (

    select
        cohorts.cohort_month,
        observed_months.month,
        {{ dbt.datediff('cohorts.cohort_month', 'observed_months.month', 'month') }} as months_since_cohort,
        cohorts.cohort_size

    from cohorts
    inner join observed_months
        on observed_months.month >= cohorts.cohort_month
        and observed_months.month <= {{ dbt.dateadd('month', 6, 'cohorts.cohort_month') }}

),

cohort_activity as (

    select
        cohort_month,
        activity_month,
        count(*) as active_customers

    from customer_months
    group by cohort_month, activity_month

),

final as (

    select
        observed_grid.cohort_month,
        observed_grid.months_since_cohort,
        observed_grid.cohort_size,
        coalesce(cohort_activity.active_customers, 0) as active_customers,
        {{ round_ratio('coalesce(cohort_activity.active_customers, 0)', 'observed_grid.cohort_size', 6) }}
            as retention_rate

    from observed_grid
    left join cohort_activity
        on cohort_activity.cohort_month = observed_grid.cohort_month
        and cohort_activity.activity_month = observed_grid.month

)

select * from final

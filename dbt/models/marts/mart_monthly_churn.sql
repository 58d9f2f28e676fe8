-- One row per observed month: active customers, churned customers (active in the month and not
-- active in the next one) and churn rate = churned ÷ active. Both churn figures are NULL where
-- the next month has not been observed (the last month): unknown, not 100 %.
with customer_months as (

    select * from {{ ref('int_customer_months') }}
    -- months that still have completed orders (Athena keeps a vanished month's partition)
    where {{ month_still_has_input('activity_month', 'customers_fingerprint') }}

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

activity as (

    select
        this_month.activity_month as month,
        this_month.customer_id,
        next_month.customer_id is null as is_churned

    from customer_months as this_month
    left join customer_months as next_month
        on next_month.customer_id = this_month.customer_id
        and next_month.activity_month = {{ dbt.dateadd('month', 1, 'this_month.activity_month') }}

),

monthly as (

    select
        month,
        count(*) as active_customers,
        count(case when is_churned then 1 end) as churned_customers

    from activity
    group by month

),

with_next_month as (

    select
        observed_months.month,
        coalesce(monthly.active_customers, 0) as active_customers,
        case when next_observed.month is not null
            then coalesce(monthly.churned_customers, 0) end as churned_customers

    from observed_months
    left join monthly on monthly.month = observed_months.month
    left join observed_months as next_observed
        on next_observed.month = {{ dbt.dateadd('month', 1, 'observed_months.month') }}

),

final as (

    select
        month,
        active_customers,
        churned_customers,
        {{ round_ratio('churned_customers', 'active_customers', 6) }} as churn_rate

    from with_next_month

)

select * from final

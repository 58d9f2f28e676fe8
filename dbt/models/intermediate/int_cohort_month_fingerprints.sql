-- One row per month with completed orders: for each model built incrementally by month whose rows
-- depend on cohorts, the checksum of everything its rows of that month depend on
-- (macros/month_incremental.sql). Such a model rebuilds from the first month whose checksum here
-- differs from the one stored on its rows. Its rows depend on more than the month's facts, hence
-- a model of its own, built after the cohorts and the filter codes:
-- - which customers have the month as their cohort month: a customer's cohort depends on their
--   signup date on any order, so a re-processed later month can change an earlier month's rows;
-- - int_customer_filter_groups also holds the next month's cells, and codes that number the
--   filter values: a new value renumbers every cell of every month.
with month_fingerprints as (

    select * from {{ ref('int_month_fingerprints') }}
    where customer_orders_fingerprint is not null

),

new_customers as (

    select
        cohort_month as month,
        sum({{ row_hash(['customer_id']) }}) as new_customers_fingerprint

    from {{ ref('int_customer_cohorts') }}
    where cohort_month is not null
    group by cohort_month

),

filter_codes as (

    select sum({{ row_hash(['dimension', 'value', 'code']) }}) as codes_fingerprint
    from {{ ref('int_filter_codes') }}

),

-- sums of hashes below 1e9 + 7 over at most millions of rows, weighted: far inside BIGINT
final as (

    select
        this_month.month,
        cast(
            this_month.customer_orders_fingerprint
            + 3 * coalesce(next_month.customer_orders_fingerprint, 0)
            + 5 * coalesce(new_customers.new_customers_fingerprint, 0)
            + 7 * coalesce(filter_codes.codes_fingerprint, 0)
            as {{ dbt.type_bigint() }}
        ) as filter_groups_fingerprint,
        cast(
            this_month.customer_orders_fingerprint
            + 5 * coalesce(new_customers.new_customers_fingerprint, 0)
            as {{ dbt.type_bigint() }}
        ) as geo_engagement_fingerprint

    from month_fingerprints as this_month
    left join month_fingerprints as next_month
        on next_month.month = {{ dbt.dateadd('month', 1, 'this_month.month') }}
    left join new_customers on new_customers.month = this_month.month
    cross join filter_codes

)

select * from final

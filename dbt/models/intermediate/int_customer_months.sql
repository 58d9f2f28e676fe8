-- One row per customer per month in which the customer had at least one completed order
-- ("active" in the README's metric definitions), with the customer's cohort (month of the first completed order).
-- Ids and months only: the marts that need money sum it from the orders themselves, and a
-- per-customer sum here would cost more than every mart that reads this table.
--
-- Incremental by month (docs/scale.md, "Incremental dbt"): a run rebuilds the months from the
-- earliest one whose completed orders changed (int_month_fingerprints.customers_fingerprint,
-- macros/month_incremental.sql) and keeps the others; `dbt build --full-refresh` rebuilds
-- everything. DuckDB replaces the months with delete+insert; Trino drops their activity_month
-- partitions and appends, Athena overwrites them.
{{ month_incremental_config('activity_month', 'customers_fingerprint') }}
with
{{ month_rebuild_cte('activity_month', 'customers_fingerprint') }}

orders as (

    select * from {{ ref('stg_fact_orders') }}
    where status = 'completed'
    {% if month_incremental_is_incremental() %}
        and {{ month_rebuild_facts_filter() }}
    {% endif %}

),

customer_months as (

    select distinct
        customer_id,
        order_month_start as activity_month

    from orders

),

month_fingerprints as (

    select
        month,
        customers_fingerprint as fingerprint

    from {{ ref('int_month_fingerprints') }}

),

-- The cohort of a customer already active before the rebuilt months: the rows kept are exact,
-- so the first of them is the customer's first active month.
earlier_cohorts as (

    {% if month_incremental_is_incremental() %}
    select
        customer_id,
        min(activity_month) as cohort_month

    from {{ this }}
    where activity_month < (select rebuild_from from rebuild)
        -- not a vanished month Athena still holds (macros/month_incremental.sql)
        and {{ month_still_has_input('activity_month', 'customers_fingerprint') }}
    group by customer_id
    {% else %}
    select
        cast(null as varchar) as customer_id,
        cast(null as date) as cohort_month
    where 1 = 0
    {% endif %}

),

with_cohort as (

    select
        customer_months.customer_id,
        customer_months.activity_month,
        coalesce(
            earlier_cohorts.cohort_month,
            min(customer_months.activity_month) over (partition by customer_months.customer_id)
        ) as cohort_month

    from customer_months
    left join earlier_cohorts
        on earlier_cohorts.customer_id = customer_months.customer_id

),

final as (

    select
        with_cohort.customer_id,
        with_cohort.cohort_month,
        {{ dbt.datediff('with_cohort.cohort_month', 'with_cohort.activity_month', 'month') }} as months_since_cohort,
        month_fingerprints.fingerprint as source_fingerprint,
        -- last: the partition column (Athena, Trino) goes at the end
        with_cohort.activity_month

    from with_cohort
    inner join month_fingerprints
        on month_fingerprints.month = with_cohort.activity_month

)

select * from final

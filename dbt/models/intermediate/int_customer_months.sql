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

-- The customer's first completed order month, from every month's orders (int_customer_cohorts is
-- built whole from the facts): a rebuilt month needs no cohort from the rows kept, and a hash
-- join on the 2.4M customers of 12M orders costs less than a window over their 7M customer-months
-- (docs/scale.md, "Cohorts from int_customer_cohorts").
customer_cohorts as (

    select
        customer_id,
        first_order_month

    from {{ ref('int_customer_cohorts') }}

),

with_cohort as (

    select
        customer_months.customer_id,
        customer_months.activity_month,
        customer_cohorts.first_order_month as cohort_month

    from customer_months
    inner join customer_cohorts
        on customer_cohorts.customer_id = customer_months.customer_id

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

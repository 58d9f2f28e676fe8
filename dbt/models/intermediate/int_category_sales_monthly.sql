-- mart_category_sales_monthly, built incrementally: one row per month and product category with
-- sales, with its month's input checksum, the month last (the partition column on Athena and Trino). The mart
-- selects the exported columns from it.
--
-- Incremental by month (docs/scale.md, "Incremental dbt"): the distinct count of orders over every
-- order line is the costliest query of the build at scale, and a month's rows depend on that
-- month's lines only. A run rebuilds the months from the earliest one whose completed lines
-- changed (int_month_fingerprints.category_lines_fingerprint, macros/month_incremental.sql);
-- `dbt build --full-refresh` rebuilds everything.
{{ month_incremental_config('month', 'category_lines_fingerprint') }}
with
{{ month_rebuild_cte('month', 'category_lines_fingerprint') }}

completed_items as (

    select * from {{ ref('stg_fact_order_items') }}
    where status = 'completed'
    {% if month_incremental_is_incremental() %}
        and {{ month_rebuild_facts_filter() }}
    {% endif %}

),

month_fingerprints as (

    select
        month,
        category_lines_fingerprint as fingerprint

    from {{ ref('int_month_fingerprints') }}

),

by_category as (

    select
        order_month_start as month,
        category,
        cast(sum(line_total_usd) as decimal(18, 2)) as revenue_usd,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        count(distinct order_id) as orders

    from completed_items
    group by order_month_start, category

),

final as (

    select
        by_category.category,
        by_category.revenue_usd,
        by_category.units,
        by_category.orders,
        month_fingerprints.fingerprint as source_fingerprint,
        -- last: the partition column (Athena, Trino) goes at the end
        by_category.month

    from by_category
    inner join month_fingerprints on month_fingerprints.month = by_category.month

)

select * from final

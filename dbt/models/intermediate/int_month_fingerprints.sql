-- One row per month with completed orders: a checksum of the inputs of each model built
-- incrementally by month (macros/month_incremental.sql), the sum of a hash of each input row over
-- the columns the model reads. A model rebuilds from the first month whose checksum here differs
-- from the one stored on its rows. Computed once per build, so each model compares a few rows
-- instead of scanning the facts for it. Kept whole while the facts are unchanged
-- (macros/facts_unchanged.sql).
{{ facts_unchanged_config() }}
with completed_orders as (

    select
        order_month_start as month,
        -- int_customer_months: which customers were active in the month
        sum({{ row_hash(['customer_id']) }}) as customers_fingerprint,
        -- int_customer_filter_groups and int_geo_engagement_monthly (through
        -- int_cohort_month_fingerprints): each completed order's customer, filter cells and revenue
        sum({{ row_hash(['customer_id', 'customer_country', 'sales_channel', 'customer_segment', 'order_total_usd']) }}) as customer_orders_fingerprint

    from {{ ref('stg_fact_orders') }}
    where status = 'completed'
    group by order_month_start

),

completed_lines as (

    select
        order_month_start as month,
        -- int_category_sales_monthly: revenue, units and orders per category
        sum({{ row_hash(['order_id', 'category', 'quantity', 'line_total_usd']) }}) as category_lines_fingerprint

    from {{ ref('stg_fact_order_items') }}
    where status = 'completed'
    group by order_month_start

),

final as (

    select
        coalesce(completed_orders.month, completed_lines.month) as month,
        completed_orders.customers_fingerprint,
        completed_orders.customer_orders_fingerprint,
        completed_lines.category_lines_fingerprint

    from completed_orders
    full outer join completed_lines on completed_lines.month = completed_orders.month

)

select * from final
{{ facts_unchanged_filter() }}

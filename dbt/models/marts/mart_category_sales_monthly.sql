-- One row per month and product category with sales: revenue (Σ line_total_usd), units and
-- orders over the lines of completed orders (README, "Metric definitions").
with order_items as (

    select * from {{ ref('stg_fact_order_items') }}

),

completed_items as (

    select * from order_items
    where status = 'completed'

),

final as (

    select
        order_month_start as month,
        category,
        cast(sum(line_total_usd) as decimal(18, 2)) as revenue_usd,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        count(distinct order_id) as orders

    from completed_items
    group by order_month_start, category

)

select * from final

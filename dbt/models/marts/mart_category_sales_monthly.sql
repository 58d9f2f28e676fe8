-- One row per month and product category with sales: revenue (Σ line_total_usd), units and orders
-- over the lines of completed orders (README, "Metric definitions"). Computed incrementally by
-- month in int_category_sales_monthly; this is its exported shape.
with category_months as (

    select * from {{ ref('int_category_sales_monthly') }}

),

final as (

    select
        month,
        category,
        revenue_usd,
        units,
        orders

    from category_months
    -- the months that have completed orders now: on Athena a month whose input is all gone keeps
    -- its partition in the incremental table until a full refresh (Athena deletes nothing)
    where {{ month_still_has_input('month', 'category_lines_fingerprint') }}

)

select * from final

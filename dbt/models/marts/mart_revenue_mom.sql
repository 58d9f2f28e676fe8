-- One row per observed month: revenue, the previous calendar month's revenue (NULL for the first
-- month, or when that month was not observed), MoM growth = (revenue − previous) ÷ previous
-- (NULL without a previous month or when it had no revenue) and cumulative revenue.
with monthly_revenue as (

    select * from {{ ref('mart_monthly_revenue') }}

),

with_previous as (

    select
        this_month.month,
        this_month.revenue_usd,
        previous_month.revenue_usd as prev_revenue_usd,
        this_month.revenue_usd - previous_month.revenue_usd as revenue_change,
        -- 38 digits so that DuckDB multiplies it in 128 bits inside round_ratio
        cast(previous_month.revenue_usd as decimal(38, 2)) as prev_revenue_wide

    from monthly_revenue as this_month
    left join monthly_revenue as previous_month
        on previous_month.month = {{ dbt.dateadd('month', -1, 'this_month.month') }}

),

final as (

    select
        month,
        revenue_usd,
        prev_revenue_usd,
        cast(
            case when revenue_change < 0 then -1 else 1 end
            * {{ round_ratio('abs(revenue_change)', 'prev_revenue_wide', 6) }}
            as decimal(18, 6)
        ) as mom_growth,
        cast(
            sum(revenue_usd) over (order by month rows between unbounded preceding and current row)
            as decimal(18, 2)
        ) as cumulative_revenue_usd

    from with_previous

)

select * from final

-- The dashboard's filters: one row per month and filter cell with completed orders. A cell is a
-- customer country, a sales channel and a customer segment, each either a value or 'all' (every
-- combination, cube), so a filter on any subset reads one row and never adds distinct counts up
-- across cells. Per cell: revenue, orders, active customers (distinct, within the cell), new
-- customers (active in the cell in their cohort month: int_customer_cohorts) and churned
-- customers (active in the cell and not in the same cell the next month; NULL where the next
-- month has not been observed, as in mart_monthly_churn).
--
-- Why not a cube over (customer, cell): that expands every customer-month into 8 rows and sorts
-- them per customer and cell (59M rows and a minute at 12M orders). Customers are grouped
-- instead: int_customer_filter_groups holds the customers with the same month, finest cells
-- (integer codes, in up to three slots), next month's cells and "new" flag as one row with a head
-- count; they count the same in every cell, and only those ~17,000 rows (at 12M orders) are expanded to the
-- 8 filter levels. The rare customer-month with more than three finest cells (or whose next month
-- has) is a row of its own there, with its customer_id, and is expanded customer by customer from
-- the orders, as the cube did. Both paths are exact (test/dbt/dbt-filter-mart.test.ts compares
-- them with an oracle).
-- Import CTEs name their columns: DuckDB materialises a CTE read twice, whole.
with orders as (

    select
        order_month_start,
        customer_id,
        customer_country,
        sales_channel,
        customer_segment,
        order_total_usd

    from {{ ref('stg_fact_orders') }}
    where status = 'completed'

),

codes as (

    select * from {{ ref('int_filter_codes') }}

),

-- customers who count alike (at most three cells this month and next), with their head count
customer_groups as (

    select
        month,
        is_new,
        slot_1,
        slot_2,
        slot_3,
        next_slot_1,
        next_slot_2,
        next_slot_3,
        customers

    from {{ ref('int_customer_filter_groups') }}
    where customer_id is null

),

-- more than three finest cells in the month or the next one: counted customer by customer
spread_months as (

    select
        month,
        customer_id,
        is_new

    from {{ ref('int_customer_filter_groups') }}
    where customer_id is not null

),

-- their orders (of any month: spread_cells keeps the month and the next)
spread_orders as (

    select
        order_month_start,
        customer_id,
        customer_country,
        sales_channel,
        customer_segment

    from {{ ref('stg_fact_orders') }}
    where status = 'completed'
        and customer_id in (select customer_id from spread_months)

),

observed_months as (

    select * from {{ ref('int_observed_months') }}

),

dims as (

    {{ filter_cell_bases(ref('int_filter_codes')) }}

),

-- the 8 filter levels: country, channel and segment each kept or rolled up into 'all'
levels as (

    select * from (
        values
            (true, true, true), (true, true, false), (true, false, true), (true, false, false),
            (false, true, true), (false, true, false), (false, false, true), (false, false, false)
    ) as levels (keep_country, keep_channel, keep_segment)

),

-- revenue and orders add up across customers: a plain cube
cell_sales as (

    select
        order_month_start as month,
        coalesce(customer_country, 'all') as country,
        coalesce(sales_channel, 'all') as sales_channel,
        coalesce(customer_segment, 'all') as customer_segment,
        count(*) as orders,
        sum(order_total_usd) as revenue_usd

    from orders
    group by order_month_start, cube (customer_country, sales_channel, customer_segment)

),

-- each group's slots at each level: a slot's cell, the cells of the slots before it (two slots
-- can meet at a coarser level) and the next month's cells
group_slot_cells as (

    select
        customer_groups.month,
        customer_groups.is_new,
        customer_groups.customers,
        slots.slot,
        {{ filter_cell_at_level('case slots.slot when 1 then customer_groups.slot_1 when 2 then customer_groups.slot_2 else customer_groups.slot_3 end') }} as cell,
        {{ filter_cell_at_level('customer_groups.slot_1') }} as cell_1,
        {{ filter_cell_at_level('customer_groups.slot_2') }} as cell_2,
        {{ filter_cell_at_level('customer_groups.next_slot_1') }} as next_cell_1,
        {{ filter_cell_at_level('customer_groups.next_slot_2') }} as next_cell_2,
        {{ filter_cell_at_level('customer_groups.next_slot_3') }} as next_cell_3

    from customer_groups
    cross join (values (1), (2), (3)) as slots (slot)
    cross join levels
    cross join dims

),

group_counts as (

    select
        month,
        cell,
        sum(customers) as active_customers,
        sum(case when is_new then customers else 0 end) as new_customers,
        sum(
            case when cell = next_cell_1 or cell = next_cell_2 or cell = next_cell_3 then customers else 0 end
        ) as retained_customers

    from group_slot_cells
    -- each distinct cell once: the first slot that reaches it
    where cell is not null
        and (slot = 1 or (slot = 2 and cell <> cell_1) or (slot = 3 and cell <> cell_1 and cell <> cell_2))
    group by month, cell

),

-- their finest cells at every level, from their orders of the month and the next
spread_cells as (

    select distinct
        spread_orders.order_month_start as month,
        spread_orders.customer_id,
        {{ filter_cell_at_level(filter_cell_code()) }} as cell

    from spread_orders
    inner join spread_months
        on spread_months.customer_id = spread_orders.customer_id
        and (
            spread_orders.order_month_start = spread_months.month
            or spread_orders.order_month_start = {{ dbt.dateadd('month', 1, 'spread_months.month') }}
        )
    {{ filter_code_joins('spread_orders') }}
    cross join levels
    cross join dims

),

spread_counts as (

    select
        spread_months.month,
        this_month.cell,
        count(*) as active_customers,
        count(case when spread_months.is_new then 1 end) as new_customers,
        count(next_month.cell) as retained_customers

    from spread_months
    inner join spread_cells as this_month
        on this_month.customer_id = spread_months.customer_id
        and this_month.month = spread_months.month
    left join spread_cells as next_month
        on next_month.customer_id = spread_months.customer_id
        and next_month.month = {{ dbt.dateadd('month', 1, 'spread_months.month') }}
        and next_month.cell = this_month.cell
    group by spread_months.month, this_month.cell

),

cell_counts as (

    select
        month,
        cell,
        sum(active_customers) as active_customers,
        sum(new_customers) as new_customers,
        sum(retained_customers) as retained_customers

    from (
        select * from group_counts
        union all
        select * from spread_counts
    ) as both_paths
    group by month, cell

),

-- back from codes to values
named_counts as (

    select
        cell_counts.month,
        coalesce(countries.value, 'all') as country,
        coalesce(channels.value, 'all') as sales_channel,
        coalesce(segments.value, 'all') as customer_segment,
        cell_counts.active_customers,
        cell_counts.new_customers,
        cell_counts.retained_customers

    from cell_counts
    cross join dims
    left join codes as countries
        on countries.dimension = 'customer_country'
        and countries.code = {{ filter_cell_part('cell_counts.cell', 'country') }}
    left join codes as channels
        on channels.dimension = 'sales_channel'
        and channels.code = {{ filter_cell_part('cell_counts.cell', 'sales_channel') }}
    left join codes as segments
        on segments.dimension = 'customer_segment'
        and segments.code = {{ filter_cell_part('cell_counts.cell', 'customer_segment') }}

),

final as (

    select
        cell_sales.month,
        cell_sales.country,
        cell_sales.sales_channel,
        cell_sales.customer_segment,
        cast(cell_sales.revenue_usd as decimal(18, 2)) as revenue_usd,
        cast(cell_sales.orders as {{ dbt.type_bigint() }}) as orders,
        cast(named_counts.active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(named_counts.new_customers as {{ dbt.type_bigint() }}) as new_customers,
        case when next_observed.month is not null
            then cast(named_counts.active_customers - named_counts.retained_customers as {{ dbt.type_bigint() }})
        end as churned_customers

    from cell_sales
    inner join named_counts
        on named_counts.month = cell_sales.month
        and named_counts.country = cell_sales.country
        and named_counts.sales_channel = cell_sales.sales_channel
        and named_counts.customer_segment = cell_sales.customer_segment
    left join observed_months as next_observed
        on next_observed.month = {{ dbt.dateadd('month', 1, 'cell_sales.month') }}

)

select * from final

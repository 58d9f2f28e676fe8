-- The customers of each month with completed orders, grouped by how they count in
-- mart_monthly_sales_by_filter: their finest filter cells (country x channel x segment, as
-- integer codes: macros/filter_cells.sql) that month and the next, and whether the month is their
-- cohort month. Customers alike in all three are one row with their head count (`customers`), a
-- ~17,000 rows at 12M orders instead of one per customer-month: writing and re-reading 7M
-- rows was most of the mart's time.
-- Up to three cells are kept in slots (lowest code first): almost every customer has one country
-- and one segment in a month, so three channels make three cells at most. A customer-month with
-- more (or whose next month has more) cannot be described by slots: it is a row of its own, with
-- its customer_id and no slots, and the mart counts it from the orders.
--
-- Incremental by month (docs/scale.md, "Incremental dbt"): a month's groups depend on its
-- customers' cells, the next month's, the cohorts and the filter codes, all in one checksum per
-- month (int_cohort_month_fingerprints.filter_groups_fingerprint). A run rebuilds the months from
-- the earliest one whose checksum changed and keeps the others; `dbt build --full-refresh`
-- rebuilds everything. DuckDB replaces the months with delete+insert; Trino drops their
-- partitions and appends, Athena overwrites them.
{{ month_incremental_config('month', 'filter_groups_fingerprint', 'int_cohort_month_fingerprints') }}
with
{{ month_rebuild_cte('month', 'filter_groups_fingerprint', 'int_cohort_month_fingerprints') }}

orders as (

    select * from {{ ref('stg_fact_orders') }}
    where status = 'completed'
    {% if month_incremental_is_incremental() %}
        -- the rebuilt months and their next months: all from the first rebuilt month on
        and {{ month_rebuild_facts_filter() }}
    {% endif %}

),

codes as (

    select * from {{ ref('int_filter_codes') }}

),

month_fingerprints as (

    select
        month,
        filter_groups_fingerprint as fingerprint

    from {{ ref('int_cohort_month_fingerprints') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

dims as (

    {{ filter_cell_bases(ref('int_filter_codes')) }}

),

-- each order's finest cell first, then distinct: an integer instead of three strings in the
-- distinct (5.8-6.2 s for the model at 12M orders instead of 6.6-7.1 s)
customer_cells as (

    select distinct
        orders.order_month_start as month,
        orders.customer_id,
        {{ filter_cell_code() }} as cell

    from orders
    {{ filter_code_joins('orders') }}
    cross join dims

),

-- the slots packed into one integer (macros/filter_cells.sql): narrower rows through the self
-- join and the grouping than three columns, ~2 s less of ~9 s at 12M orders (docs/scale.md)
customer_months as (

    select
        month,
        customer_id,
        count(*) as cells,
        {{ filter_slots_pack(
            'min(cell)',
            'case count(*) when 2 then max(cell) when 3 then sum(cell) - min(cell) - max(cell) end',
            'case when count(*) = 3 then max(cell) end',
            'dims.slot_base',
        ) }} as slots

    -- the base as a column, not a scalar subquery: Trino inlines this CTE at both sides of the
    -- self join, and a subquery would add stages there
    from customer_cells
    cross join dims
    group by month, customer_id, dims.slot_base

),

customer_month_slots as (

    select
        this_month.month,
        this_month.customer_id,
        this_month.cells > 3 or coalesce(next_month.cells, 0) > 3 as is_spread,
        this_month.slots,
        next_month.slots as next_slots,
        coalesce(customer_cohorts.cohort_month = this_month.month, false) as is_new

    from customer_months as this_month
    inner join customer_cohorts on customer_cohorts.customer_id = this_month.customer_id
    left join customer_months as next_month
        on next_month.customer_id = this_month.customer_id
        and next_month.month = {{ dbt.dateadd('month', 1, 'this_month.month') }}

),

-- a spread customer-month keeps its customer_id (a group of one), the others only their slots
group_keys as (

    select
        month,
        is_new,
        case when not is_spread then slots end as slots,
        case when not is_spread then next_slots end as next_slots,
        case when is_spread then customer_id end as customer_id

    from customer_month_slots

),

grouped as (

    select
        month,
        is_new,
        slots,
        next_slots,
        customer_id,
        count(*) as customers

    from group_keys
    group by month, is_new, slots, next_slots, customer_id

),

final as (

    select
        grouped.is_new,
        {%- for n in [1, 2, 3] %}
        {{ filter_slot_unpack('grouped.slots', n, 'dims.slot_base') }} as slot_{{ n }},
        {%- endfor %}
        {%- for n in [1, 2, 3] %}
        {{ filter_slot_unpack('grouped.next_slots', n, 'dims.slot_base') }} as next_slot_{{ n }},
        {%- endfor %}
        grouped.customer_id,
        grouped.customers,
        month_fingerprints.fingerprint as source_fingerprint,
        -- last: the partition column (Athena, Trino) goes at the end
        grouped.month

    from grouped
    inner join month_fingerprints on month_fingerprints.month = grouped.month
    cross join dims

)

select * from final

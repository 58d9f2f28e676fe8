-- One row per customer and month with completed orders, for mart_monthly_sales_by_filter: the
-- customer's finest filter cells (country x channel x segment, as integer codes:
-- macros/filter_cells.sql) that month and the next, and whether the month is the customer's
-- cohort month. Up to three cells are kept in slots (lowest code first): almost every customer
-- has one country and one segment in a month, so three channels make three cells at most;
-- `cells` says how many there are (over three: the slots are incomplete and the mart counts the
-- customer from the orders).
with orders as (

    select * from {{ ref('stg_fact_orders') }}
    where status = 'completed'

),

codes as (

    select * from {{ ref('int_filter_codes') }}

),

customer_cohorts as (

    select * from {{ ref('int_customer_cohorts') }}

),

dims as (

    {{ filter_cell_bases(ref('int_filter_codes')) }}

),

-- distinct first: fewer rows to join to the codes
customer_values as (

    select distinct
        order_month_start as month,
        customer_id,
        customer_country,
        sales_channel,
        customer_segment

    from orders

),

customer_cells as (

    select
        customer_values.month,
        customer_values.customer_id,
        {{ filter_cell_code() }} as cell

    from customer_values
    {{ filter_code_joins('customer_values') }}
    cross join dims

),

customer_months as (

    select
        month,
        customer_id,
        count(*) as cells,
        min(cell) as slot_1,
        case count(*) when 2 then max(cell) when 3 then sum(cell) - min(cell) - max(cell) end as slot_2,
        case when count(*) = 3 then max(cell) end as slot_3

    from customer_cells
    group by month, customer_id

),

final as (

    select
        this_month.month,
        this_month.customer_id,
        this_month.cells,
        this_month.slot_1,
        this_month.slot_2,
        this_month.slot_3,
        next_month.cells as next_cells,
        next_month.slot_1 as next_slot_1,
        next_month.slot_2 as next_slot_2,
        next_month.slot_3 as next_slot_3,
        coalesce(customer_cohorts.cohort_month = this_month.month, false) as is_new

    from customer_months as this_month
    inner join customer_cohorts on customer_cohorts.customer_id = this_month.customer_id
    left join customer_months as next_month
        on next_month.customer_id = this_month.customer_id
        and next_month.month = {{ dbt.dateadd('month', 1, 'this_month.month') }}

)

select * from final

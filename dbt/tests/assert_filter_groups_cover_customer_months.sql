-- int_customer_filter_groups counts every active customer-month once: per month, its head counts
-- add up to the customer-months of int_customer_months (grouping can neither lose a customer nor
-- count one twice). Fails with one row per month that disagrees.
with groups as (

    select
        month,
        sum(customers) as customers

    from {{ ref('int_customer_filter_groups') }}
    group by month

),

customer_months as (

    select
        activity_month as month,
        count(*) as customers

    from {{ ref('int_customer_months') }}
    group by activity_month

)

select
    coalesce(groups.month, customer_months.month) as month,
    groups.customers as grouped_customers,
    customer_months.customers as active_customers

from groups
full outer join customer_months on customer_months.month = groups.month
where groups.month is null
   or customer_months.month is null
   or groups.customers <> customer_months.customers

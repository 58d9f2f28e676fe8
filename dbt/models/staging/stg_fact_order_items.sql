with source as (

    select * from {{ source('store_sales', 'fact_order_items') }}

),

renamed as (

    select
        order_id,
        line_number,
        order_timestamp,
        order_date,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month_start,
        customer_id,
        customer_country,
        status,
        product_id,
        product_name,
        category,
        quantity,
        unit_price,
        discount,
        line_total,
        line_total_usd,
        source_file,
        -- the partition folder (order_year=YYYY/order_month=MM) the row was read from: the
        -- staging tests' month scope reads by it (macros/fact_test_scope.sql)
        order_year,
        order_month

    from source

)

select * from renamed

with source as (

    select * from {{ source('store_sales', 'fact_orders') }}

),

renamed as (

    select
        order_id,
        order_timestamp,
        order_date,
        -- the reporting month: first day of the order's UTC month
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month_start,
        status,
        sales_channel,
        currency,
        customer_id,
        customer_country,
        customer_segment,
        customer_signup_date,
        item_count,
        units,
        subtotal,
        discount_total,
        shipping_fee,
        tax,
        order_total,
        fx_rate_to_usd,
        order_total_usd,
        payment_method,
        payment_count,
        source_file,
        -- the partition folder (order_year=YYYY/order_month=MM) the row was read from: the
        -- staging tests' month scope reads by it (macros/fact_test_scope.sql)
        order_year,
        order_month

    from source

)

select * from renamed

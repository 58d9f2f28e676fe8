-- Data quality per raw source file: records read, loaded and quarantined, and the quarantined
-- records by reason (docs/dashboard.md, "Data quality"; equals v_data_quality, sql/quality_views.sql).
-- Per file one row with reason = 'all' (read = loaded + quarantined; loaded = its rows in
-- fact_orders, every status; its newest order date), then one row per quarantine reason with only
-- records_quarantined. month = the month in the file name (orders_YYYY_MM.json), NULL otherwise.
-- Where the quarantine table is not catalogued, read and quarantined are NULL (unknown).
{% set cataloged = quarantine_cataloged() %}
{% set file_pattern = "'([0-9]{4})_(0[1-9]|1[0-2])\\.[A-Za-z]+$'" %}

with orders as (

    select * from {{ ref('stg_fact_orders') }}

),

quarantine as (

    select * from {{ ref('stg_quarantine_records') }}

),

loaded as (

    select
        source_file,
        count(*) as records_loaded,
        max(order_date) as latest_order_date

    from orders
    group by source_file

),

quarantined_by_reason as (

    select
        source_file,
        reason,
        count(*) as records_quarantined

    from quarantine
    group by source_file, reason

),

quarantined as (

    select
        source_file,
        sum(records_quarantined) as records_quarantined

    from quarantined_by_reason
    group by source_file

),

files as (

    select source_file from loaded
    union
    select source_file from quarantined

),

per_file as (

    select
        files.source_file,
        'all' as reason,
        {% if cataloged %}
        cast(coalesce(loaded.records_loaded, 0) + coalesce(quarantined.records_quarantined, 0) as {{ dbt.type_bigint() }}) as records_read,
        {% else %}
        cast(null as {{ dbt.type_bigint() }}) as records_read,
        {% endif %}
        cast(coalesce(loaded.records_loaded, 0) as {{ dbt.type_bigint() }}) as records_loaded,
        {% if cataloged %}
        cast(coalesce(quarantined.records_quarantined, 0) as {{ dbt.type_bigint() }}) as records_quarantined,
        {% else %}
        cast(null as {{ dbt.type_bigint() }}) as records_quarantined,
        {% endif %}
        loaded.latest_order_date

    from files
    left join loaded on loaded.source_file = files.source_file
    left join quarantined on quarantined.source_file = files.source_file

),

per_reason as (

    select
        source_file,
        reason,
        cast(null as {{ dbt.type_bigint() }}) as records_read,
        cast(null as {{ dbt.type_bigint() }}) as records_loaded,
        cast(records_quarantined as {{ dbt.type_bigint() }}) as records_quarantined,
        cast(null as date) as latest_order_date

    from quarantined_by_reason

),

named as (

    select
        *,
        nullif(regexp_extract(source_file, {{ file_pattern }}, 1), '') as file_year,
        nullif(regexp_extract(source_file, {{ file_pattern }}, 2), '') as file_month

    from (
        select * from per_file
        union all
        select * from per_reason
    ) as all_rows

),

final as (

    select
        cast(file_year || '-' || file_month || '-01' as date) as month,
        source_file,
        reason,
        records_read,
        records_loaded,
        records_quarantined,
        latest_order_date

    from named

)

select * from final

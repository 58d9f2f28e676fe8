-- One row per record the ETL quarantined: the raw file it came from and the primary reason code.
-- Empty where the quarantine table is not catalogued (macro quarantine_cataloged).
{% if quarantine_cataloged() %}

select
    source_key as source_file,
    line_number,
    reason

from {{ source('store_sales_quarantine', 'quarantine_records') }}

{% else %}

select
    cast(null as varchar) as source_file,
    cast(null as integer) as line_number,
    cast(null as varchar) as reason

where 1 = 0

{% endif %}

{#
  Which months int_customer_months rebuilds on an incremental run (docs/scale.md, "Incremental dbt").

  Every row of int_customer_months carries source_fingerprint: a checksum of its month's completed
  orders (the sum of a hash of each order's customer_id), the only input a month's rows depend on
  besides the customer's earlier months. A run compares each month's fingerprint in the facts with
  the one stored in the table; the earliest month that differs (changed, new, late data, or gone
  from the facts) and every later month are rebuilt. Later months too, because a row's cohort_month
  is the customer's first active month: late data in an old month can move the cohort of rows in
  every later month, while rows before that month cannot change. Nothing differs: nothing rebuilt.
#}

{# A per-order hash of the customer id, as a BIGINT below 1e9 + 7 so sums stay exact on every engine. #}
{% macro customer_hash(column) -%}
    {{- return(adapter.dispatch('customer_hash')(column)) -}}
{%- endmacro %}

{% macro default__customer_hash(column) -%}
    mod(from_big_endian_64(xxhash64(to_utf8({{ column }}))), 1000000007)
{%- endmacro %}

{% macro duckdb__customer_hash(column) -%}
    cast(hash({{ column }}) % 1000000007 as bigint)
{%- endmacro %}

{# Per month of the facts: the checksum of its completed orders. #}
{% macro customer_month_fingerprints_sql() -%}
    select
        order_month_start as month,
        sum({{ customer_hash('customer_id') }}) as fingerprint
    from {{ ref('stg_fact_orders') }}
    where status = 'completed'
    group by order_month_start
{%- endmacro %}

{#
  A scalar subquery: the first month to rebuild, NULL when every month's fingerprint matches.
  A month only in the facts (new) or only in the table (no completed order any more) differs too.
#}
{% macro customer_months_rebuild_from_sql() -%}
    {%- set stored_fingerprint = 'min(source_fingerprint)' if customer_months_has_fingerprints() else 'cast(null as bigint)' -%}
    (
        select min(coalesce(source_months.month, built_months.month))
        from ({{ customer_month_fingerprints_sql() }}) as source_months
        full outer join (
            select activity_month as month, {{ stored_fingerprint }} as fingerprint
            from {{ this }}
            group by activity_month
        ) as built_months
            on built_months.month = source_months.month
        where source_months.fingerprint is distinct from built_months.fingerprint
    )
{%- endmacro %}

{#
  is_incremental(), or the var customer_months_incremental when given (true/false): `dbt compile`
  without a connection (Athena, Trino in the tests) cannot ask whether the table exists, and uses
  the var to render either the full or the incremental SQL.
#}
{% macro customer_months_is_incremental() -%}
    {%- set forced = var('customer_months_incremental', none) -%}
    {{- return(is_incremental() if forced is none else forced) -}}
{%- endmacro %}

{#
  Whether the stored table has source_fingerprint. A table built before it existed has not: then
  every month differs and is rebuilt (on_schema_change adds the column), and the pre-hook deletes
  nothing (DuckDB refuses to add a column to a table deleted from in another transaction).
  In a unit test `this` is the fixture, which has the column.
#}
{% macro customer_months_has_fingerprints() -%}
    {%- if not execute or model.resource_type == 'unit_test' or var('customer_months_incremental', none) is not none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return('source_fingerprint' in names) -}}
{%- endmacro %}

{#
  Pre-hook of an incremental run on DuckDB and Trino: delete every row from the first month to
  rebuild on. delete+insert alone would only replace months the new rows hold, and keep the rows
  of a month that has no completed order any more. No-op on a full build (the table is new).
#}
{% macro customer_months_delete_rebuilt() -%}
    {%- if customer_months_is_incremental() and target.type in ('duckdb', 'trino') and customer_months_has_fingerprints() -%}
        delete from {{ this }} where activity_month >= {{ customer_months_rebuild_from_sql() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

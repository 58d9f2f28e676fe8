{#
  Models built incrementally by month (docs/scale.md, "Incremental dbt"): int_customer_months,
  int_category_sales_monthly (the incremental form of mart_category_sales_monthly),
  int_customer_filter_groups and int_geo_engagement_monthly (the incremental form of
  mart_geo_engagement).

  A checksum model holds, per month, a checksum of each such model's inputs for that month (the sum
  of a per-row hash over the columns the model reads): int_month_fingerprints for the first two;
  int_cohort_month_fingerprints for the two whose rows depend on cohorts (which any month's orders
  can move) and, for the filter groups, on the next month and on the filter codes. Every row of
  the model stores its month's checksum in source_fingerprint. A run compares the two; the earliest
  month that differs (changed, new, late data, or gone from the facts) and every later month are
  rebuilt, the earlier months are kept. Later months too: int_customer_months' cohort_month is the
  customer's first active month, so late data in an old month can move the cohort of rows in every
  later month; a month's rows depend on nothing its checksum does not cover, so the months before
  the first difference are exact as stored. The usual change, a new or re-processed last month,
  rebuilds one or two months. Nothing differs: nothing rebuilt.
#}

{#
  A per-row hash of `columns` (SQL expressions), as a BIGINT below 1e9 + 7 so sums over a month stay
  exact on every engine. The values differ between engines; they are only compared on one.
#}
{% macro row_hash(columns) -%}
    {{- return(adapter.dispatch('row_hash')(columns)) -}}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    mod(from_big_endian_64(xxhash64(to_utf8(
        {%- if columns | length == 1 -%}
            {{ columns[0] }}
        {%- else -%}
            concat_ws('|'{% for c in columns %}, cast({{ c }} as varchar){% endfor %})
        {%- endif -%}
    ))), 1000000007)
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    cast(hash({{ columns | join(', ') }}) % 1000000007 as bigint)
{%- endmacro %}

{#
  The config of a model built incrementally by month, and its `rebuild` CTE: `month_column` is
  the model's month column (the partition column, last), `fingerprint` its checksum column
  in `fingerprints` (a model name; int_month_fingerprints unless given).
  A pre-hook deletes every stored row from the first rebuilt month on (DuckDB, Trino), then the
  run adds the rebuilt months: DuckDB with delete+insert on the month; Trino appends, its table
  partitioned by month, because the Hive connector deletes from a table that is not transactional
  only whole partitions, chosen by a constant (see month_incremental_delete_rebuilt); Athena
  overwrites the month partitions.
#}
{% macro month_incremental_config(month_column, fingerprint, fingerprints=none) -%}
    {%- set fingerprints_arg = ", ref('" ~ fingerprints ~ "')" if fingerprints else "" -%}
    {%- do config(
        materialized='incremental',
        incremental_strategy={'athena': 'insert_overwrite', 'trino': 'append'}.get(target.type, 'delete+insert'),
        unique_key=(month_column if target.type == 'duckdb' else none),
        partitioned_by=([month_column] if target.type == 'athena' else none),
        on_schema_change='sync_all_columns',
        pre_hook="{{ month_incremental_delete_rebuilt('" ~ month_column ~ "', '" ~ fingerprint ~ "'" ~ fingerprints_arg ~ ") }}",
    ) -%}
    {%- if target.type == 'trino' -%}
        {%- do config(properties={'partitioned_by': "ARRAY['" ~ month_column ~ "']"}) -%}
    {%- endif -%}
{%- endmacro %}

{#- The first month to rebuild (NULL when nothing changed: then no row is selected), as a CTE. -#}
{% macro month_rebuild_cte(month_column, fingerprint, fingerprints=none) -%}
{%- if month_incremental_is_incremental() %}
rebuild as (

    select
        {{ month_rebuild_from_sql(month_column, fingerprint, ref(fingerprints) if fingerprints else none) }} as rebuild_from

),
{%- endif %}
{%- endmacro %}

{#
  A scalar subquery: the first month to rebuild, NULL when every month's checksum matches. A month
  only in the facts (new) or only in the table (no input any more) differs too.
  `month_column`: the model's month column; `fingerprint`: its column of `fingerprints`
  (int_month_fingerprints unless given: the cohort-dependent models pass int_cohort_month_fingerprints).
#}
{% macro month_rebuild_from_sql(month_column, fingerprint, fingerprints=none) -%}
    {%- set stored_fingerprint = 'min(source_fingerprint)' if month_incremental_has_fingerprints() else 'cast(null as bigint)' -%}
    (
        select min(coalesce(source_months.month, built_months.month))
        from (
            select month, {{ fingerprint }} as fingerprint
            from {{ fingerprints if fingerprints is not none else ref('int_month_fingerprints') }}
            where {{ fingerprint }} is not null
        ) as source_months
        full outer join (
            select {{ month_column }} as month, {{ stored_fingerprint }} as fingerprint
            from {{ this }}
            group by {{ month_column }}
        ) as built_months
            on built_months.month = source_months.month
        where source_months.fingerprint is distinct from built_months.fingerprint
    )
{%- endmacro %}

{#
  The facts filter of an incremental run (the model's `rebuild` CTE in scope): rows from the first
  month to rebuild on, none when nothing changed. On order_date, so engines skip row groups by its
  statistics; with a far-future bound when nothing changed rather than NULL, which made DuckDB read
  every row group (1.0 s at 12M order lines against 0.01 s).
#}
{#
  True for the rows of a month that still has input for the model (its checksum in `fingerprints`
  is not NULL). Readers of a table incremental by month use it: on Athena a month whose input is
  all gone (a raw file deleted, or every order of the month now cancelled) keeps its partition
  until a full refresh, because Athena deletes nothing (DuckDB and Trino delete it in the
  pre-hook, where the filter changes nothing).
#}
{% macro month_still_has_input(month_column, fingerprint, fingerprints='int_month_fingerprints') -%}
    {{ month_column }} in (
        select month from {{ ref(fingerprints) }}
        where {{ fingerprint }} is not null
    )
{%- endmacro %}

{% macro month_rebuild_facts_filter() -%}
    order_date >= (select coalesce(rebuild_from, cast('9999-12-31' as date)) from rebuild)
{%- endmacro %}

{#
  is_incremental(), or the var month_incremental when given (true/false): `dbt compile` without a
  connection (Athena, Trino in the tests) cannot ask whether the table exists, and uses the var to
  render either the full or the incremental SQL.
#}
{% macro month_incremental_is_incremental() -%}
    {%- set forced = var('month_incremental', none) -%}
    {{- return(is_incremental() if forced is none else forced) -}}
{%- endmacro %}

{#
  Whether the stored table has source_fingerprint. A table built before it existed has not. Before
  `dbt build` and `dbt run` the on-run-start hook below drops such a table; for other commands
  (`dbt retry`, whose hook sees no selected model) every month then differs and is rebuilt
  (on_schema_change adds the column), and the pre-hook handles the old rows per engine (see
  month_incremental_delete_rebuilt). In a unit test `this` is the fixture, which has the column.
#}
{% macro month_incremental_has_fingerprints() -%}
    {%- if not execute or model.resource_type == 'unit_test' or var('month_incremental', none) is not none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return('source_fingerprint' in names) -}}
{%- endmacro %}

{#
  Pre-hook of an incremental run on DuckDB and Trino: delete every row from the first month to
  rebuild on. delete+insert alone would only replace months the new rows hold, and keep the rows
  of a month that has no input any more. No-op on a full build (the table is new).
  `fingerprints`: the checksum model's relation (int_month_fingerprints unless given).
  On Trino the first month is asked first and the DELETE names it as a constant: the Hive
  connector deletes from a table that is not transactional only whole partitions, and only a
  predicate on the partition column with constants shows it which ("Modifying Hive table rows is
  only supported for transactional tables" otherwise).
  A stored table without source_fingerprint (built before it existed, reached by a command whose
  on-run-start dropped nothing, such as `dbt retry`) has every month rebuilt: on DuckDB
  delete+insert replaces them, the pre-hook deletes nothing (DuckDB refuses to add a column to a
  table deleted from in another transaction); Trino appends, so every row is deleted first (a
  DELETE without WHERE, which the Hive connector allows on any table); Athena's insert_overwrite
  would append beside an unpartitioned table's rows, so the run stops and asks for `dbt build`.
#}
{% macro month_incremental_delete_rebuilt(month_column, fingerprint, fingerprints=none) -%}
    {%- if not month_incremental_is_incremental() -%}
        select 1
    {%- elif not month_incremental_has_fingerprints() -%}
        {%- if target.type == 'trino' -%}
            delete from {{ this }}
        {%- elif target.type == 'athena' -%}
            {{- exceptions.raise_compiler_error(this ~ ' was built before ' ~ model.name ~ ' was incremental by month; run `dbt build` (its on-run-start drops the table so it is built whole), not `dbt retry`') -}}
        {%- else -%}
            select 1
        {%- endif -%}
    {%- elif target.type == 'duckdb' -%}
        delete from {{ this }} where {{ month_column }} >= {{ month_rebuild_from_sql(month_column, fingerprint, fingerprints) }}
    {%- elif target.type == 'trino' -%}
        {%- set rebuild_from = month_rebuild_from_value(month_column, fingerprint, fingerprints) -%}
        {%- if rebuild_from is none -%}
            select 1
        {%- else -%}
            delete from {{ this }} where {{ month_column }} >= date '{{ rebuild_from }}'
        {%- endif -%}
    {%- else -%}
        {#- Athena: insert_overwrite replaces the rebuilt month partitions itself. -#}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The first month to rebuild as 'YYYY-MM-DD', none when nothing changed (or nothing can be asked: no connection). -#}
{% macro month_rebuild_from_value(month_column, fingerprint, fingerprints=none) -%}
    {%- if not execute or var('month_incremental', none) is not none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set result = run_query('select cast(' ~ month_rebuild_from_sql(month_column, fingerprint, fingerprints) ~ ' as varchar)') -%}
    {{- return(result.columns[0].values()[0]) -}}
{%- endmacro %}

{#
  on-run-start of `dbt build` / `dbt run` (`dbt retry` builds its own queue, so selected_resources
  is empty there and nothing is dropped; month_incremental_delete_rebuilt covers it): drops the table of a selected model built incrementally
  by month (a model documenting a source_fingerprint column) when the table has no such column,
  or on Trino is not partitioned, so the model is created whole, as on a first run. Such a table
  predates the model's incremental build: a plain table, which on Athena is not partitioned by
  month, where insert_overwrite would find no partition to replace and append every month beside
  the old rows; on Trino, one whose rows the Hive connector cannot delete.
  The drop runs while the hook renders (adapter.drop_relation, which also tells dbt's relation
  cache). On DuckDB the describe of get_columns_in_relation opened a transaction on this
  connection that dbt rolls back after the hooks, so the drop is committed here; Athena has no
  transactions and Trino commits each statement. Renders no SQL (dbt skips an empty hook).
#}
{% macro month_incremental_drop_outdated_tables() %}
    {%- set dropped = [] -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'incremental'
            and 'source_fingerprint' in node.columns and node.unique_id in selected_resources -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none and relation.is_table -%}
                {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- if 'source_fingerprint' not in names or (target.type == 'trino' and not month_incremental_trino_partitioned(relation)) -%}
                    {%- do log('Dropping ' ~ relation ~ ': built before ' ~ node.name ~ ' was incremental by month; it is built whole', info=true) -%}
                    {%- do adapter.drop_relation(relation) -%}
                    {%- do dropped.append(relation) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if dropped and target.type == 'duckdb' -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{% endmacro %}

{#- Whether a Trino table is partitioned (its DDL says partitioned_by). -#}
{% macro month_incremental_trino_partitioned(relation) -%}
    {%- set ddl = run_query('show create table ' ~ relation).columns[0].values()[0] -%}
    {{- return('partitioned_by' in ddl) -}}
{%- endmacro %}

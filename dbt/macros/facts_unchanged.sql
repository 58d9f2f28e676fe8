{#
  Models kept whole while the facts are unchanged (DuckDB; docs/scale.md, "Models kept while the
  facts are unchanged"): int_month_fingerprints, int_customer_cohorts, int_observed_months and
  int_filter_codes.

  Each reads every order (and the checksums every line) on every build (5 s of a 17 s warm build
  at 12M orders), yet its rows
  change only when the fact files, the views it reads or its own definition do, and it reads
  nothing else: staging views only, no table another model builds (which a `--select` could leave
  out of the run, stale). On DuckDB such a model is incremental, with an input key:

  - on-run-start (`dbt build`, `dbt run`), facts_unchanged_start hashes every fact file's table,
    path, size and bytes (the `fact_files` view of `ops crawl`) into `fact_build_signature`, one
    row for this invocation: the files as they were when the run started (in `dbt build`,
    fact_test_scope_start makes it, from the one read of the files it hashes per month);
  - a model's key is that signature hashed with the SQL of the fact views and of the views it
    reads, as deployed when it runs, and with its definition (its code and config, its parents'
    code, every macro of this project and dbt's version: fact_test_definition);
  - when the key recorded for the model (`model_input_keys`) is this key, the model selects no row
    and keeps every stored one; otherwise it is built as on a full refresh (should_full_refresh
    below: a new table swapped in, as a table model is, rather than every row deleted and
    inserted, 1 s more at 12M), and its post-hook records the key, in the model's transaction.

  Files changed while the build runs: the model may read either, and the key recorded is the one
  of run start, so the next build sees the files differ and rebuilds it. (Files changed and put
  back byte for byte within one build are not seen, as for the staging tests' scope.) `dbt retry`
  runs with the flags of the command it retries, so it hashes the files too. No key (a warehouse
  without `fact_files`, a command other than build and run, a unit test) means rebuilt. A build
  with `--empty` records no key: the next build rebuilds what it left empty. A model configured
  with `full_refresh: true` is rebuilt whole every time.
  Athena and Trino build these models as tables every time.
#}

{% macro facts_unchanged_config() -%}
    {%- if target.type == 'duckdb' -%}
        {%- do config(
            materialized='incremental',
            incremental_strategy='append',
            on_schema_change='sync_all_columns',
            facts_unchanged=true,
            post_hook='{{ facts_unchanged_record() }}',
        ) -%}
    {%- endif -%}
{%- endmacro %}

{# The scope and this invocation's signature table, or none where there is no scope (not
   DuckDB, no `fact_files` view). #}
{% macro facts_unchanged_relations() %}
    {%- set scope = fact_test_scope_relations() -%}
    {%- if scope is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set files = scope.files -%}
    {{ return({
        'scope': scope,
        'signature': api.Relation.create(database=files.database, schema=files.schema, identifier='fact_build_signature', type='table'),
    }) }}
{% endmacro %}

{% macro facts_unchanged_start() %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ('build', 'run') -%}
        {%- set rel = facts_unchanged_relations() -%}
        {#- model_input_keys even without `fact_files`: two post-hooks creating it at once, in
            their open transactions, would conflict (threads > 1) -#}
        {%- call statement('facts_unchanged_start') -%}
            create table if not exists {{ facts_unchanged_keys_relation() }} (model varchar, input_key varchar);
            {#- `dbt build`: made by fact_test_scope_start, which hashes the same files just before -#}
            {%- if rel is not none and flags.WHICH != 'build' %}
            {{ facts_unchanged_signature_sql('(' ~ fact_file_signatures_sql(rel.scope) ~ ')') }};
            {%- endif %}
        {%- endcall -%}
        {%- do adapter.commit() -%}
        {%- do adapter.cache_added(facts_unchanged_keys_relation()) -%}
        {%- if rel is not none -%}
            {%- do adapter.cache_added(rel.signature) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{# Creates this invocation's `fact_build_signature` from `file_signatures` (a relation or subquery
   with the columns of fact_file_signatures_sql): every fact file's signature, in one hash. #}
{% macro facts_unchanged_signature_sql(file_signatures) %}
    {%- set rel = facts_unchanged_relations() -%}
    {{ return("create or replace table " ~ rel.signature ~ " as select '" ~ invocation_id ~ "' as invocation_id,"
        ~ " hash(coalesce(string_agg(file_signature, ';' order by table_name, file), '')) as signature"
        ~ " from " ~ file_signatures) }}
{% endmacro %}

{# This model's input key for this invocation, or none (no scope, or no signature of this run). #}
{% macro facts_unchanged_key() %}
    {%- set rel = facts_unchanged_relations() -%}
    {%- if rel is none or model.resource_type != 'model'
        or adapter.get_relation(database=rel.signature.database, schema=rel.signature.schema, identifier=rel.signature.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(model.unique_id) -%}
    {%- set result = run_query(
        "select cast(hash(signature, " ~ fact_views_sql(rel.scope, fact_test_parents(node)) ~ ", '" ~ fact_test_definition(node) ~ "') as varchar)"
        ~ " from " ~ rel.signature ~ " where invocation_id = '" ~ invocation_id ~ "'"
    ) -%}
    {{ return(result.columns[0].values()[0] if result.rows else none) }}
{% endmacro %}

{# Whether this run keeps every stored row: the model's table exists and the key recorded with it
   is this run's. (Not through is_incremental(), which asks should_full_refresh(), which asks this.) #}
{% macro facts_unchanged() %}
    {%- if not execute or target.type != 'duckdb' or model.resource_type != 'model' or flags.FULL_REFRESH
        or config.get('full_refresh') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- if existing is none or existing.type != 'table' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set key = facts_unchanged_key() -%}
    {%- if key is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = run_query("select input_key from " ~ facts_unchanged_keys_relation() ~ " where model = '" ~ model.unique_id ~ "'") -%}
    {{ return(stored.rows | length == 1 and stored.columns[0].values()[0] == key) }}
{% endmacro %}

{#- After the model's final select: no row when the stored rows are kept. -#}
{% macro facts_unchanged_filter() -%}
    {%- if facts_unchanged() %}
where false
    {%- endif -%}
{%- endmacro %}

{#
  dbt's own should_full_refresh (global_project), which the incremental materialization and
  is_incremental() ask, plus: a kept model (config facts_unchanged) whose key changed is built as
  on a full refresh. Every other model gets dbt's answer.
#}
{% macro should_full_refresh() %}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and config.get('facts_unchanged') -%}
        {%- set config_full_refresh = not facts_unchanged() -%}
    {%- endif -%}
    {%- do return(config_full_refresh) -%}
{% endmacro %}

{#- Post-hook: records the key the rows were built with, and none under --empty (which reads no
    row: the next build must rebuild what it left empty, even were the facts back as they were). -#}
{% macro facts_unchanged_record() -%}
    {%- set key = none if flags.EMPTY else facts_unchanged_key() -%}
    create table if not exists {{ facts_unchanged_keys_relation() }} (model varchar, input_key varchar);
    delete from {{ facts_unchanged_keys_relation() }} where model = '{{ model.unique_id }}'
    {%- if key is not none -%}
    ;
    insert into {{ facts_unchanged_keys_relation() }} values ('{{ model.unique_id }}', '{{ key }}')
    {%- endif -%}
{%- endmacro %}

{#- model_input_keys beside the facts (a hook needs it whether or not `fact_files` exists). -#}
{% macro facts_unchanged_keys_relation() -%}
    {%- set facts = source('store_sales', 'fact_orders') -%}
    {{- return(api.Relation.create(database=facts.database, schema=facts.schema, identifier='model_input_keys', type='table')) -}}
{%- endmacro %}

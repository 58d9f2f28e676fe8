{#
  Staging tests re-test only the months whose Parquet changed (DuckDB; docs/scale.md, "Staging
  tests by month").

  Every staging test reads every fact on every build, ~10 s of a warm build at 12M orders, while
  a month's rows only change when the ETL rewrites that month's files. So a test whose config has
  `where: "__changed_fact_months__"` (dbt_project.yml sets it for the staging folder) reads only
  the months it has not yet passed with exactly these files and this definition:

  - on-run-start, `fact_test_scope_start` hashes every fact file's bytes, per partition month, into
    `fact_month_signatures`; 0.2 s for the 600 MB of 12M orders;
  - each scoped test leaves out the rows of the partition months whose signature, hashed with the
    SQL of the views the tests read as deployed when it compiles (a changed view re-tests
    everything), has a row in `fact_month_tests_passed` for this test and its definition. It
    filters on the partition columns (order_year, order_month), which DuckDB prunes by folder, so a
    row is read whenever its file changed, whatever its order_date says;
  - on-run-end, `fact_test_scope_record` hashes the files again and records every month whose
    signature is still the one of run start against each scoped test that passed: a month whose
    files at run end differ from those at run start (an `ops etl` ran beside the build) is read
    again next time, since its tests may have read either. (Files changed and put back within one
    build are not seen.) A failed or warned test records nothing and reads its months again next
    time, and `--empty` (which reads no row) records nothing.
  - Only `dbt build` and `dbt test` run the hooks and filter: `dbt compile` and `dbt docs
    generate` (`ops docs`) render a scoped test unfiltered, without reading the warehouse's
    signatures. `dbt retry` of a build runs both hooks again: each test it re-runs reads the months
    whose files differ from those it last passed on.

  Only tests that fail on any failing row are scoped: one with `warn_if`, `error_if` or another
  `fail_calc` adds the months up, and reads every month (fact_test_is_scoped).

  A test's definition is a hash of its SQL and arguments, the models it reads, every macro of this
  project and dbt's version: editing any of them re-tests every month. Not in it: vars and
  environment variables, which no staging test reads (a scoped test that did would need them
  added). `--full-refresh` reads everything, and so do Athena and Trino (no filter there: the
  placeholder reads as no `where`).
  A row is tested with its file: one with a NULL order_date, or dated in another month than its
  folder's, is read while its file is new (and fails `stg_*_in_its_partition`). A test comparing
  rows across months reads its scoped rows against the whole relation: the staging key tests
  (`unique_combination` with `within`, tests/generic/unique_combination.sql) look up the new
  months' keys among every row, which is exact; the lines' order test looks up the new months'
  lines among every order on order_id and order_date, counting only orders in their month's
  folder, exact too in a whole `dbt build` (which runs the lines' partition test with it): a line
  passes only beside its order in its own month's files, so the order cannot go without those
  files changing and the line being re-tested (tests/generic/relationships_on.sql).
#}

{% macro fact_test_scope_placeholder() %}{{ return('__changed_fact_months__') }}{% endmacro %}

{# Whether a test (its config: a node's, or `config` while it compiles) is scoped: the placeholder
   and dbt's default thresholds. A test passes on all months only if it passes on each month alone
   when it fails on any failing row; a threshold (`warn_if`, `error_if`) or another `fail_calc`
   adds the months up, so such a test reads every month. #}
{% macro fact_test_is_scoped(test_config) %}
    {{ return(test_config.get('where') == fact_test_scope_placeholder()
        and test_config.get('fail_calc', 'count(*)') == 'count(*)'
        and test_config.get('warn_if', '!= 0') == '!= 0'
        and test_config.get('error_if', '!= 0') == '!= 0') }}
{% endmacro %}

{# The nodes a test (a graph node, or `model` while it compiles) reads: models, and seeds if any. #}
{% macro fact_test_parents(node) %}
    {%- set parents = [] -%}
    {%- for parent_id in node.depends_on.nodes if graph.nodes.get(parent_id) -%}
        {%- do parents.append(graph.nodes.get(parent_id)) -%}
    {%- endfor -%}
    {{ return(parents) }}
{% endmacro %}

{# The SQL of the views scoped tests read, as deployed now (a scalar subquery): the fact views
   (`ops crawl`) and every scoped test's parent models. Hashed with the files' signature when a test
   compiles and when its pass is recorded, so the pass holds for the view it read: under `dbt build`
   a changed staging view is deployed before its tests; a view changed by a later `dbt run` (its
   code edited after `dbt test` ran it) does not match a pass recorded on the old one. Without its
   double quotes: DuckDB spells a view's types `AS "DATE"` in the session that created it and
   `AS DATE` in the next one, so a `dbt test` after a `dbt build` would re-read every month. #}
{% macro fact_test_scope_views_sql(scope) %}
    {%- set parents = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' and fact_test_is_scoped(node.config) -%}
        {%- do parents.extend(fact_test_parents(node)) -%}
    {%- endfor -%}
    {{ return(fact_views_sql(scope, parents)) }}
{% endmacro %}

{# The SQL of the fact views and of those of `nodes` (graph nodes) deployed as views, as deployed
   now: a scalar subquery (see fact_test_scope_views_sql). A node deployed as a table reads as
   nothing here. #}
{% macro fact_views_sql(scope, nodes) %}
    {%- set names = ['fact_orders', 'fact_order_items', 'fact_files'] -%}
    {%- for node in nodes if node.alias not in names -%}
        {%- do names.append(node.alias) -%}
    {%- endfor -%}
    {{ return("(select coalesce(string_agg(replace(sql, '\"', ''), ';' order by view_name), '') from duckdb_views()"
        ~ " where schema_name = '" ~ scope.files.schema ~ "' and view_name in ('" ~ (names | sort | join("', '")) ~ "'))") }}
{% endmacro %}

{# The scope's three relations, or none where there is no scope: not DuckDB, or no `fact_files`
   view (a warehouse crawled before it existed: every test reads everything until `ops crawl`). #}
{% macro fact_test_scope_relations() %}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set facts = source('store_sales', 'fact_orders') -%}
    {%- set files = adapter.get_relation(database=facts.database, schema=facts.schema, identifier='fact_files') -%}
    {%- if files is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({
        'files': files,
        'signatures': api.Relation.create(database=facts.database, schema=facts.schema, identifier='fact_month_signatures', type='table'),
        'definitions': api.Relation.create(database=facts.database, schema=facts.schema, identifier='fact_test_definitions', type='table'),
        'passed': api.Relation.create(database=facts.database, schema=facts.schema, identifier='fact_month_tests_passed', type='table'),
    }) }}
{% endmacro %}

{# Every fact file's signature (table_name, file, month, file_signature: its table, path, size and
   bytes), read from the files now. #}
{% macro fact_file_signatures_sql(scope) %}
    {{ return("select table_name, file, month, table_name || '|' || file || '|' || size || '|' || hash(content) as file_signature from " ~ scope.files) }}
{% endmacro %}

{# Each partition month's signature: a hash of its files' tables, paths, sizes and bytes, in both
   fact tables, from `file_signatures` (a relation or subquery with the columns of
   fact_file_signatures_sql). Computed at run start, and again at run end to record only the months
   whose files did not change while the build ran. #}
{% macro fact_test_scope_signatures_sql(file_signatures) %}
    {%- set sql -%}
            with files as (
                select month, file_signature
                from {{ file_signatures }}
            ),
            -- a file in folders naming no month (order_month=13) could hold any month's rows: it
            -- is in every month's signature
            unplaced as (
                select coalesce(string_agg(file_signature, ';' order by file_signature), '') as signature
                from files where month is null
            )
            select
                month,
                hash(string_agg(file_signature, ';' order by file_signature), (select signature from unplaced)) as signature
            from files
            where month is not null
            group by month
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}

{% macro fact_test_scope_start() %}
    {%- set scope = fact_test_scope_relations() -%}
    {%- if scope is not none and flags.WHICH in ('build', 'test') -%}
        {%- call statement('fact_test_scope_start') -%}
            create or replace temp table fact_file_signatures_now as {{ fact_file_signatures_sql(scope) }};
            create or replace table {{ scope.signatures }} as
            {{ fact_test_scope_signatures_sql('fact_file_signatures_now') }};
            {%- if flags.WHICH == 'build' %}
            {#- the kept models' signature (macros/facts_unchanged.sql) from the same read of the
                files: 0.23 s less at 12M than reading every file's bytes again #}
            {{ facts_unchanged_signature_sql('fact_file_signatures_now') }};
            {%- endif %}
            drop table fact_file_signatures_now;
            create or replace table {{ scope.definitions }} (test_id varchar, definition varchar);
            {%- for node in graph.nodes.values()
                if node.resource_type == 'test' and fact_test_is_scoped(node.config) %}
            insert into {{ scope.definitions }} values ('{{ node.unique_id }}', '{{ fact_test_definition(node) }}');
            {%- endfor %}
            create table if not exists {{ scope.passed }} (
                test_id varchar, month date, signature ubigint, definition varchar
            );
        {%- endcall -%}
        {%- do adapter.commit() -%}
        {#- dbt listed the relations before this hook: without these, get_relation would not see them -#}
        {%- for relation in [scope.signatures, scope.definitions, scope.passed] -%}
            {%- do adapter.cache_added(relation) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{# What a scoped test's result depends on besides the data: see the top of this file. #}
{% macro fact_test_definition(node) %}
    {%- set parts = [dbt_version, node.unique_id, node.raw_code, tojson(node.test_metadata or {}), tojson(node.config)] -%}
    {%- for parent in fact_test_parents(node) -%}
        {%- do parts.append(parent.raw_code ~ tojson(parent.config)) -%}
    {%- endfor -%}
    {%- for name, value in context.items() | sort(attribute='0') -%}
        {%- if value.macro is defined and value.macro.package_name == project_name -%}
            {%- do parts.append(name ~ ':' ~ value.macro.macro_sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}

{# The `where` of a scoped test reading `relation`: it leaves out the rows of each partition month
   this test passed with exactly these files, views and definition, and reads every other row: the
   months to re-test, and rows whose folders spell a month otherwise (`order_month=3`). By the
   partition columns, not by order_date: a row is read whenever its file is new, whatever its
   date. '' (everything, no filter) when no month passed, when there is no scope, or when a
   relation the test reads has no partition columns. #}
{% macro fact_test_scope_filter(relation) %}
    {%- set scope = fact_test_scope_relations() -%}
    {#- only the commands that run the start hook (`dbt compile` compiles the tests as well) -#}
    {%- if scope is none or flags.FULL_REFRESH or flags.WHICH not in ('build', 'test') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set signatures = adapter.get_relation(database=scope.signatures.database, schema=scope.signatures.schema, identifier=scope.signatures.identifier) -%}
    {%- if signatures is none -%}
        {{ return('') }}
    {%- endif -%}
    {#- decided once per test: a test reading two relations (the lines' reconciliation with the
        orders) filters both or neither, even when one deployed view lacks the partition columns.
        One query for all of them: a scoped test's compile time is the warm build's cost -#}
    {%- set tables = [(relation.database, relation.schema, relation.identifier)] -%}
    {%- for parent in fact_test_parents(model) if parent.resource_type == 'model' -%}
        {%- do tables.append((parent.database, parent.schema, parent.alias)) -%}
    {%- endfor -%}
    {%- set wanted = [] -%}
    {%- for t in tables | unique -%}
        {%- do wanted.append("(database_name = '" ~ t[0] ~ "' and schema_name = '" ~ t[1] ~ "' and table_name = '" ~ t[2] ~ "')") -%}
    {%- endfor -%}
    {%- set partitioned = run_query(
        "select count(*) from (select database_name, schema_name, table_name from duckdb_columns()"
        ~ " where (" ~ (wanted | join(' or ')) ~ ") and lower(column_name) in ('order_year', 'order_month')"
        ~ " group by all having count(distinct lower(column_name)) = 2)"
    ).columns[0].values()[0] -%}
    {%- if partitioned != wanted | length -%}
        {{ return('') }}
    {%- endif -%}
    {#- a test without a definition row (not in the graph at run start) matches nothing: every month -#}
    {%- set passed = run_query(
        "select strftime(s.month, '%Y-%m')"
        ~ " from " ~ scope.signatures ~ " as s"
        ~ " join " ~ scope.definitions ~ " as d on d.test_id = '" ~ model.unique_id ~ "'"
        ~ " join " ~ scope.passed ~ " as p on p.test_id = d.test_id"
        ~ " and p.month = s.month and p.signature = hash(s.signature, " ~ fact_test_scope_views_sql(scope) ~ ")"
        ~ " and p.definition = d.definition"
        ~ " order by 1"
    ) -%}
    {#- no month passed: no filter, so a test comparing its rows with the whole relation (a
        `within` key test) sees that they are the same rows -#}
    {%- if not passed.rows -%}
        {{ return('') }}
    {%- endif -%}
    {#- the ETL spells months order_year=YYYY/order_month=MM; a row in a folder spelt otherwise is
        read every time (or, in a folder naming no month, its file is in every month's signature) -#}
    {{ return("not coalesce(order_year || '-' || order_month in ('"
        ~ (passed.columns[0].values() | join("', '")) ~ "'), false)") }}
{% endmacro %}

{# dbt's own macro (global_project), with the placeholder resolved. A singular test can call it on
   a ref, as dbt does for a generic test's model. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == fact_test_scope_placeholder() -%}
        {%- set where = fact_test_scope_filter(relation) if fact_test_is_scoped(config) else '' -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro fact_test_scope_record(results) %}
    {%- set scope = fact_test_scope_relations() -%}
    {%- if scope is not none and flags.WHICH in ('build', 'test') and not flags.EMPTY
        and adapter.get_relation(database=scope.signatures.database, schema=scope.signatures.schema, identifier=scope.signatures.identifier) is not none -%}
        {%- set passed = [] -%}
        {%- for result in results
            if result.node.resource_type == 'test' and result.status == 'pass'
            and fact_test_is_scoped(result.node.config) -%}
            {%- do passed.append(result.node.unique_id) -%}
        {%- endfor -%}
        {%- if passed -%}
            {%- set views_sql = fact_test_scope_views_sql(scope) -%}
            {%- call statement('fact_test_scope_record') -%}
                create or replace temp table fact_month_signatures_now as {{ fact_test_scope_signatures_sql('(' ~ fact_file_signatures_sql(scope) ~ ')') }};
                {%- for test_id in passed %}
                delete from {{ scope.passed }} where test_id = '{{ test_id }}';
                insert into {{ scope.passed }}
                select d.test_id, s.month, hash(s.signature, {{ views_sql }}), d.definition
                from {{ scope.signatures }} as s
                join {{ scope.definitions }} as d on d.test_id = '{{ test_id }}'
                join fact_month_signatures_now as now on now.month = s.month and now.signature = s.signature;
                {%- endfor %}
                drop table fact_month_signatures_now;
            {%- endcall -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

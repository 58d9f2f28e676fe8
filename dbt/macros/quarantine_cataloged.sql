{#
  True where the catalog has the quarantine table: locally the DuckDB view `ops crawl` makes over
  quarantine/store_sales/*.jsonl, on Athena the Glue table the stack defines (stacks/catalog.ts),
  on Trino the external JSON table its crawl creates (tools/trino/trino-catalog.ts). Elsewhere
  the data-quality mart leaves read and quarantined counts empty: unknown, not zero.
  Mirrors Target.catalogsQuarantine (tools/targets).
#}
{% macro quarantine_cataloged() %}
  {{ return(target.type in ['duckdb', 'athena', 'trino']) }}
{% endmacro %}

{#
  The 64-bit floating type for rates. dbt.type_float() renders FLOAT, which DuckDB reads as a
  32-bit REAL (about 7 significant digits): too coarse for a rate rounded to six decimals. DOUBLE
  is the 64-bit type on both DuckDB and Athena (Trino); dispatch leaves room for another adapter.
#}
{% macro type_double() %}
    {{- return(adapter.dispatch('type_double')()) -}}
{% endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

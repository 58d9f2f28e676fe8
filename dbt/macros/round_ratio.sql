{#
  ROUND(numerator / denominator, scale), half away from zero, as DECIMAL(18, scale), exactly the
  same on DuckDB and Athena; NULL when the denominator is 0 or either side is NULL. Needs
  numerator >= 0 and denominator > 0 (callers pass abs() and restore the sign).

  Why not round(n / d, s): DuckDB divides DECIMALs in DOUBLE while Trino divides them as DECIMALs,
  so a tie (5.025) can round differently on each engine. This takes a first guess through DOUBLE
  (at most one unit off) and corrects it with exact DECIMAL multiplication and comparison, the
  same rule the SQL views use (sql/bi_views.sql), so marts and views agree to the last digit.
#}
{% macro round_ratio(numerator, denominator, scale) -%}
    {%- set unit = '0.' ~ ('0' * (scale - 1)) ~ '1' -%}
    {%- set half = '0.' ~ ('0' * scale) ~ '5' -%}
    {%- set guess -%}
        cast(cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0) as decimal(18, {{ scale }}))
    {%- endset -%}
    cast(
        case
            when ({{ guess }} + {{ half }}) * ({{ denominator }}) <= ({{ numerator }}) then {{ guess }} + {{ unit }}
            when ({{ guess }} - {{ half }}) * ({{ denominator }}) > ({{ numerator }}) then {{ guess }} - {{ unit }}
            else {{ guess }}
        end
        as decimal(18, {{ scale }})
    )
{%- endmacro %}

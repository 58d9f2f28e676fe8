{#-
  The dashboard filter cells of mart_monthly_sales_by_filter (and its int_*filter* models), as
  integer codes: code = country x country_base + channel x channel_base + segment, each part a
  small integer from 1 (int_filter_codes), 0 standing for 'all'. floor() + cast is integer
  division on DuckDB, Trino and Athena alike.
-#}

{#-
  The bases, as one row (country_base, channel_base, channel_span, slot_base), from
  int_filter_codes. Every cell code is below slot_base.
-#}
{% macro filter_cell_bases(codes) -%}
select
        (channel_count + 1) * (segment_count + 1) as country_base,
        segment_count + 1 as channel_base,
        channel_count + 1 as channel_span,
        (country_count + 1) * (channel_count + 1) * (segment_count + 1) as slot_base

    from (
        select
            count(case when dimension = 'customer_country' then 1 end) as country_count,
            count(case when dimension = 'sales_channel' then 1 end) as channel_count,
            count(case when dimension = 'customer_segment' then 1 end) as segment_count
        from {{ codes }}
    ) as counts
{%- endmacro %}

{#-
  Up to three cell codes (NULL: an empty slot) as one integer, s1 x base^2 + s2 x base + s3 with
  base = `base` (dims.slot_base, one more than the largest cell code; codes start at 1, so 0 is an
  empty slot), and back. One integer instead of three keeps the rows of
  int_customer_filter_groups' joins and groupings narrow (docs/scale.md). Exact while
  base^3 < 2^53, i.e. slot_base below about 208,000 (six countries, three channels and three
  segments give 7 x 4 x 4 = 112). BIGINT on every engine.
-#}
{% macro filter_slots_pack(slot_1, slot_2, slot_3, base) -%}
cast((coalesce({{ slot_1 }}, 0) * {{ base }} + coalesce({{ slot_2 }}, 0)) * {{ base }} + coalesce({{ slot_3 }}, 0) as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Slot `n` (1-3) of a packed integer, NULL for an empty slot; BIGINT. -#}
{% macro filter_slot_unpack(packed, n, base) -%}
{%- if n == 1 -%}
nullif(cast(floor(({{ packed }}) / ({{ base }} * {{ base }})) as {{ dbt.type_bigint() }}), 0)
{%- elif n == 2 -%}
nullif(cast(mod(cast(floor(({{ packed }}) / {{ base }}) as {{ dbt.type_bigint() }}), {{ base }}) as {{ dbt.type_bigint() }}), 0)
{%- else -%}
nullif(cast(mod({{ packed }}, {{ base }}) as {{ dbt.type_bigint() }}), 0)
{%- endif -%}
{%- endmacro %}

{#-
  The finest cell code of a row, from the codes filter_code_joins(relation) joins to it (as
  countries, channels, segments) and the bases row `dims` in scope.
-#}
{% macro filter_cell_code() -%}
countries.code * dims.country_base + channels.code * dims.channel_base + segments.code
{%- endmacro %}

{#- Joins int_filter_codes (in scope as `codes`) to the filter columns of `relation`. -#}
{% macro filter_code_joins(relation) -%}
inner join codes as countries
        on countries.dimension = 'customer_country' and countries.value = {{ relation }}.customer_country
    inner join codes as channels
        on channels.dimension = 'sales_channel' and channels.value = {{ relation }}.sales_channel
    inner join codes as segments
        on segments.dimension = 'customer_segment' and segments.value = {{ relation }}.customer_segment
{%- endmacro %}

{#- A cell's country, channel or segment code (0: 'all'); `dims` is the bases row in scope. -#}
{% macro filter_cell_part(code, part) -%}
{%- if part == 'country' -%}
cast(floor(({{ code }}) / dims.country_base) as {{ dbt.type_bigint() }})
{%- elif part == 'sales_channel' -%}
mod(cast(floor(({{ code }}) / dims.channel_base) as {{ dbt.type_bigint() }}), dims.channel_span)
{%- else -%}
mod(({{ code }}), dims.channel_base)
{%- endif -%}
{%- endmacro %}

{#-
  The code of the same cell at the filter level of the row of `levels` in scope: each part kept
  (levels.keep_country, keep_channel, keep_segment) or rolled up into 0 ('all'). NULL for a NULL
  code (an empty slot), at every level.
-#}
{% macro filter_cell_at_level(code) -%}
case when ({{ code }}) is not null then
            (case when levels.keep_country then {{ filter_cell_part(code, 'country') }} else 0 end) * dims.country_base
            + (case when levels.keep_channel then {{ filter_cell_part(code, 'sales_channel') }} else 0 end) * dims.channel_base
            + (case when levels.keep_segment then {{ filter_cell_part(code, 'customer_segment') }} else 0 end)
        end
{%- endmacro %}

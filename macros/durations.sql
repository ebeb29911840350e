{#- Exact elapsed seconds between two naive UTC timestamps, as a double
    (sub-second precision kept). dbt.datediff('second', ...) counts second
    boundaries instead, which is off by one for fractional timestamps. -#}
{% macro seconds_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('seconds_between', 'contact_center')(start_expr, end_expr)) }}
{%- endmacro %}
{% macro default__seconds_between(start_expr, end_expr) -%}
    {{ dbt.datediff(start_expr, end_expr, 'second') }}
{%- endmacro %}
{% macro duckdb__seconds_between(start_expr, end_expr) -%}
    (epoch({{ end_expr }}) - epoch({{ start_expr }}))
{%- endmacro %}

{#- A naive timestamp plus a number of seconds (may be an expression). -#}
{% macro add_seconds(ts_expr, seconds_expr) -%}
    {{ return(adapter.dispatch('add_seconds', 'contact_center')(ts_expr, seconds_expr)) }}
{%- endmacro %}
{% macro default__add_seconds(ts_expr, seconds_expr) -%}
    {{ dbt.dateadd('second', seconds_expr, ts_expr) }}
{%- endmacro %}
{% macro duckdb__add_seconds(ts_expr, seconds_expr) -%}
    (cast({{ ts_expr }} as timestamp) + to_seconds(cast({{ seconds_expr }} as double)))
{%- endmacro %}

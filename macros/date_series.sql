{#- A row source of consecutive dates from `start_date_expr` to
    `end_date_expr` (both inclusive), one column `date_day`, usable after a
    (lateral) join: the bounds may reference columns of earlier tables in
    the FROM clause. Usage:
        from intervals
        cross join {{ date_series('intervals.start_date', 'intervals.end_date') }}
-#}
{% macro date_series(start_date_expr, end_date_expr) -%}
    {{ return(adapter.dispatch('date_series', 'contact_center')(start_date_expr, end_date_expr)) }}
{%- endmacro %}
{% macro duckdb__date_series(start_date_expr, end_date_expr) -%}
    lateral (
        select cast(series.generate_series as date) as date_day
        from generate_series(
            cast({{ start_date_expr }} as timestamp),
            cast({{ end_date_expr }} as timestamp),
            interval 1 day
        ) as series
    )
{%- endmacro %}

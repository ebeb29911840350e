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

{#- ISO day of the week of a date: 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(date_expr) -%}
    {{ return(adapter.dispatch('iso_weekday', 'contact_center')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_weekday(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}
{% macro spark__iso_weekday(date_expr) -%}
    cast(extract(dayofweek_iso from {{ date_expr }}) as integer)
{%- endmacro %}

{#- ISO 8601 week-numbering year of a date (the year its ISO week belongs to). -#}
{% macro iso_year(date_expr) -%}
    {{ return(adapter.dispatch('iso_year', 'contact_center')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_year(date_expr) -%}
    cast(extract(isoyear from {{ date_expr }}) as integer)
{%- endmacro %}
{% macro spark__iso_year(date_expr) -%}
    cast(extract(yearofweek from {{ date_expr }}) as integer)
{%- endmacro %}

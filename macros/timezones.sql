{#- Engine-specific time-zone handling. All timestamps in the warehouse are
    naive TIMESTAMPs meaning UTC. Another adapter overrides these macros
    (adapter.dispatch), the models do not change. -#}

{#- A wall-clock timestamp (no zone) in time zone `tz` -> naive UTC. -#}
{% macro wall_time_to_utc(expr, tz) -%}
    {{ return(wall_time_in_zone_to_utc(expr, "'" ~ tz ~ "'")) }}
{%- endmacro %}

{#- A timestamp with zone (instant) -> naive UTC. -#}
{% macro instant_to_utc(expr) -%}
    {{ return(adapter.dispatch('instant_to_utc', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__instant_to_utc(expr) -%}
    timezone('UTC', cast({{ expr }} as timestamptz))
{%- endmacro %}

{#- Naive UTC timestamp -> wall time in the reporting time zone. -#}
{% macro utc_to_reporting(expr, tz=none) -%}
    {{ return(adapter.dispatch('utc_to_reporting', 'contact_center')(expr, tz or var('reporting_timezone'))) }}
{%- endmacro %}
{% macro duckdb__utc_to_reporting(expr, tz) -%}
    timezone('{{ tz }}', timezone('UTC', {{ expr }}))
{%- endmacro %}

{#- Naive UTC timestamp -> reporting date (calendar day in reporting_timezone). -#}
{% macro reporting_date(expr) -%}
    cast({{ utc_to_reporting(expr) }} as date)
{%- endmacro %}

{#- Reporting date -> the naive UTC instant of its midnight (start of day). -#}
{% macro reporting_midnight_utc(date_expr) -%}
    {{ wall_time_to_utc('cast(' ~ date_expr ~ ' as timestamp)', var('reporting_timezone')) }}
{%- endmacro %}

{#- A wall-clock timestamp in the zone named by a column or expression
    (`tz_expr`, e.g. a site's timezone) -> naive UTC. -#}
{% macro wall_time_in_zone_to_utc(expr, tz_expr) -%}
    {{ return(adapter.dispatch('wall_time_in_zone_to_utc', 'contact_center')(expr, tz_expr)) }}
{%- endmacro %}
{% macro duckdb__wall_time_in_zone_to_utc(expr, tz_expr) -%}
    timezone('UTC', timezone({{ tz_expr }}, cast({{ expr }} as timestamp)))
{%- endmacro %}

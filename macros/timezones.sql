{#- Engine-specific time-zone handling. All timestamps in the warehouse are
    naive TIMESTAMPs meaning UTC. Another adapter overrides these macros
    (adapter.dispatch), the models do not change. -#}

{#- A wall-clock timestamp (no zone) in time zone `tz` -> naive UTC.
    fixed_offset=false: always the engine's own conversion (the DST
    sequence rule of wall_time_sequence_to_utc nests these calls). -#}
{% macro wall_time_to_utc(expr, tz, fixed_offset=true) -%}
    {%- set converted = wall_time_in_zone_to_utc(expr, "'" ~ tz ~ "'") -%}
    {{ return(fixed_offset_or('cast(' ~ expr ~ ' as timestamp)', fixed_utc_offset_s(tz) if fixed_offset else none, -1, converted)) }}
{%- endmacro %}

{#- A timestamp with zone (instant) -> naive UTC. -#}
{% macro instant_to_utc(expr) -%}
    {{ return(adapter.dispatch('instant_to_utc', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__instant_to_utc(expr) -%}
    timezone('UTC', cast({{ expr }} as timestamptz))
{%- endmacro %}

{#- Naive UTC timestamp -> wall time in the reporting time zone (or `tz`).
    fixed_offset=false: always the engine's own conversion. -#}
{% macro utc_to_reporting(expr, tz=none, fixed_offset=true) -%}
    {%- set tz = tz or var('reporting_timezone') -%}
    {%- set converted = adapter.dispatch('utc_to_reporting', 'contact_center')(expr, tz) -%}
    {{ return(fixed_offset_or(expr, fixed_utc_offset_s(tz) if fixed_offset else none, 1, converted)) }}
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

{#- DuckDB: ICU's time-zone arithmetic is slow (a year of a 300-agent
    centre: 1.6 s of CPU for the reporting dates of 10 M chat events, about
    half of int_workforce_day_split's CPU), while a zone without DST or a
    rule change over the plausible dates (the default Asia/Shanghai, and
    most of Asia, Africa and South America) is one fixed offset there. So
    the two conversions above add that offset for a value inside the
    plausible dates and ask ICU only outside them, where the offset may
    differ (historical offsets, rejected placeholder dates): the same value
    as ICU for every row. A zone named by a column (a site's) and every
    zone on another engine (fixed_utc_offset_s is none there) keep the
    engine's conversion. -#}

{#- The UTC offset of time zone `tz` in seconds when it is the same at every
    sixth hour from two days before var valid_from_date to three days after
    var valid_to_date, as DuckDB's own zone data (ICU) gives it; none when
    it changes there (DST, a rule change), when `tz` is not a zone name,
    when the plausible dates span more than a century, or while dbt parses.
    An offset that changes stays changed for weeks at least (the shortest
    summer times of the tz database), so samples six hours apart see every
    change; 16 k samples keep the query at a few milliseconds, run once per
    zone a node compiles (node_cache: fct_agent_daily converts three
    times). -#}
{% macro fixed_utc_offset_s(tz) -%}
    {{ return(adapter.dispatch('fixed_utc_offset_s', 'contact_center')(tz)) }}
{%- endmacro %}

{% macro default__fixed_utc_offset_s(tz) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__fixed_utc_offset_s(tz) -%}
    {%- set years = (var('valid_to_date') | string)[:4] | int - (var('valid_from_date') | string)[:4] | int -%}
    {%- if not execute or not modules.re.fullmatch('[A-Za-z0-9_+/-]+', tz) or years > 100 -%}
        {#- past a century of plausible dates (a setting far wider than the
            default 11 years) the samples would slow every compile: ICU -#}
        {{ return(none) }}
    {%- endif -%}
    {%- set cache = node_cache() -%}
    {%- set key = 'utc_offset ' ~ tz -%}
    {%- if key in cache -%}{{ return(cache[key]) }}{%- endif -%}
    {%- set found = run_query(
        "select min(o), max(o) from (select datediff('second', h, timezone('" ~ tz ~ "', timezone('UTC', h))) as o"
        ~ " from range(timestamp '" ~ var('valid_from_date') ~ "' - interval 2 day,"
        ~ " timestamp '" ~ var('valid_to_date') ~ "' + interval 3 day, interval 6 hour) as hours(h))"
    ) -%}
    {%- set low, high = found.columns[0].values()[0], found.columns[1].values()[0] -%}
    {%- set offset = low if low is not none and low == high else none -%}
    {%- do cache.update({key: offset}) -%}
    {{ return(offset) }}
{%- endmacro %}

{#- `expr` (a naive timestamp) shifted by `sign` times a fixed offset of
    `offset_s` seconds when it lies from one day before var valid_from_date
    to two days after var valid_to_date (so the shifted value stays inside
    the span fixed_utc_offset_s checked), else `fallback`; just `fallback`
    when the offset is none. `expr` is written three times: DuckDB computes
    a repeated expression once (a parsed call time, 5 M rows: the same CPU
    as the parse alone). -#}
{% macro fixed_offset_or(expr, offset_s, sign, fallback) -%}
    {%- if offset_s is none -%}
        {{ return(fallback) }}
    {%- endif -%}
    case
        when {{ expr }} >= timestamp '{{ var('valid_from_date') }}' - interval 1 day
            and {{ expr }} < timestamp '{{ var('valid_to_date') }}' + interval 2 day
            then {{ expr }} + to_seconds({{ sign * offset_s }})
        else {{ fallback }}
    end
{%- endmacro %}

{#- Reporting intervals (fct_queue_interval, fct_centre_interval).

    An interval is `interval_minutes` long (15, 30 or 60: a divisor of an
    hour, so a reporting day is a whole number of intervals) and starts on
    the reporting zone's wall-clock grid: 00:00, 00:30, ... local time. A
    timestamp's interval is found in wall time and turned back into UTC by
    subtracting the same offset from the instant itself, so the 02:00-02:30
    of a repeated autumn hour is two intervals (two UTC instants, one wall
    time) and the skipped spring hour none. Seen in UTC, the interval grid
    steps every interval_minutes without a break as long as the zone's clock
    changes (DST) move it by a multiple of interval_minutes: true of every
    zone but Lord Howe Island (a 30-minute change) with 60-minute intervals.
    interval_pieces() relies on that. -#}

{% macro interval_seconds() -%}
    {{ return((var('interval_minutes') | int) * 60) }}
{%- endmacro %}

{#- The wall-clock start of the reporting interval of a naive UTC timestamp. -#}
{% macro interval_start_local(ts_expr) -%}
    {{ return(adapter.dispatch('interval_start_local', 'contact_center')(ts_expr)) }}
{%- endmacro %}
{% macro default__interval_start_local(ts_expr) -%}
    {%- set local = utc_to_reporting(ts_expr) -%}
    {{ add_seconds(dbt.date_trunc('hour', local),
                   'floor(minute(' ~ local ~ ') / ' ~ var('interval_minutes') ~ ') * ' ~ interval_seconds()) }}
{%- endmacro %}
{% macro duckdb__interval_start_local(ts_expr) -%}
    time_bucket(interval '{{ var("interval_minutes") }} minutes', {{ utc_to_reporting(ts_expr) }})
{%- endmacro %}

{#- The UTC instant at which the reporting interval of a naive UTC timestamp
    starts: the timestamp minus how far into its wall-clock interval it is. -#}
{% macro interval_start_utc(ts_expr) -%}
    {%- set local = utc_to_reporting(ts_expr) -%}
    {{ add_seconds(ts_expr, '-(' ~ seconds_between(interval_start_local(ts_expr), local) ~ ')') }}
{%- endmacro %}

{#- A row source of the integers `start_expr` .. `end_expr` (inclusive), one
    column `n`, usable after a (lateral) join like date_series(). -#}
{% macro integer_series(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('integer_series', 'contact_center')(start_expr, end_expr)) }}
{%- endmacro %}
{% macro duckdb__integer_series(start_expr, end_expr) -%}
    lateral (
        select series.generate_series as n
        from generate_series(cast({{ start_expr }} as bigint), cast({{ end_expr }} as bigint)) as series
    )
{%- endmacro %}

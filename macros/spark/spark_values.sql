{#- Spark (dbt-spark) implementations of the value macros the models call
    through adapter.dispatch: parsing raw text (macros/raw/parse_values.sql),
    time zones (macros/timezones.sql), durations and series. Each returns
    what its duckdb__ twin returns, value for value; the engine comparison
    test (tests_py/test_spark.py) checks the marts built through them.
    The session runs with spark.sql.session.timeZone = UTC, so a Spark
    TIMESTAMP reads and writes as the warehouse's naive UTC. Regular
    expressions avoid backslashes (Spark unescapes string literals). -#}

{% macro spark__blank_to_null(expr) -%}
    nullif(trim(BOTH ' \t\r\n' FROM cast({{ expr }} as string)), '')
{%- endmacro %}

{#- try_strptime over several formats: the first that parses. Spark's
    fraction pattern [.SSSSSS] reads 1 to 6 digits, as DuckDB's %f. -#}
{% macro spark__parse_ts(expr, system) -%}
    {%- set v = blank_to_null(expr) -%}
    {%- if system in ('crm', 'wfm') -%}
        to_timestamp({{ v }}, "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]'Z'")
    {%- elif system == 'messaging' -%}
        {#- an offset (+08:00) or Z: to_timestamp yields the instant, which a
            UTC session shows as naive UTC -#}
        to_timestamp({{ v }}, "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]XXX")
    {%- elif system == 'telephony' -%}
        {{ wall_time_to_utc(parse_wall_time(v), var('telephony_timezone')) }}
    {%- elif system == 'survey' -%}
        {#- naive, UTC -#}
        {{ parse_wall_time(v) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_ts: unknown system '" ~ system ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__parse_wall_time(expr) -%}
    to_timestamp({{ expr }}, 'yyyy-MM-dd HH:mm:ss[.SSSSSS]')
{%- endmacro %}

{% macro spark__parse_date(expr) -%}
    to_date({{ blank_to_null(expr) }}, 'yyyy-MM-dd')
{%- endmacro %}

{% macro spark__parse_int(expr) -%}
    {%- set v = blank_to_null(expr) -%}
    case
        when {{ v }} rlike '^[+-]?[0-9]+([.]0*)?$'
            then cast(split_part({{ v }}, '.', 1) as bigint)
    end
{%- endmacro %}

{% macro spark__parse_dec(expr) -%}
    {%- set v = blank_to_null(expr) -%}
    case
        when {{ v }} rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
            then cast({{ v }} as decimal(38, 6))
    end
{%- endmacro %}

{% macro spark__normalize_phone(expr, country_code) -%}
    {%- set digits = "nullif(regexp_replace(cast(" ~ expr ~ " as string), '[^0-9]', ''), '')" -%}
    {%- set no_00 = "regexp_replace(" ~ digits ~ ", '^00', '')" -%}
    case
        when nullif({{ no_00 }}, '') is null then null
        when startswith({{ no_00 }}, '{{ country_code }}') then {{ no_00 }}
        else '{{ country_code }}' || {{ no_00 }}
    end
{%- endmacro %}

{#- to_json drops null fields unless told not to; DuckDB's json_object keeps
    them (`"left_on":null`). -#}
{% macro spark__raw_record_json(columns, column_prefix) -%}
    to_json(named_struct(
        {%- for c in columns %}
        '{{ c }}', {{ column_prefix }}{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}

{#- A wall time that exists twice (autumn overlap) is its later instant, as
    DuckDB's ICU reads it (java.time, behind to_utc_timestamp, takes the
    earlier); a wall time in the spring gap is read with the offset before
    the change on both. -#}
{% macro spark__wall_time_in_zone_to_utc(expr, tz_expr) -%}
    {%- set earliest = "to_utc_timestamp(cast(" ~ expr ~ " as timestamp), " ~ tz_expr ~ ")" -%}
    case
        when from_utc_timestamp({{ earliest }} + interval 1 hour, {{ tz_expr }}) = cast({{ expr }} as timestamp)
            then {{ earliest }} + interval 1 hour
        else {{ earliest }}
    end
{%- endmacro %}

{#- Spark TIMESTAMPs are instants; the UTC session makes them naive UTC. -#}
{% macro spark__instant_to_utc(expr) -%}
    cast({{ expr }} as timestamp)
{%- endmacro %}

{% macro spark__utc_to_reporting(expr, tz) -%}
    from_utc_timestamp({{ expr }}, '{{ tz }}')
{%- endmacro %}

{#- exact, fractional seconds: unix_micros keeps the microseconds -#}
{% macro spark__seconds_between(start_expr, end_expr) -%}
    ((unix_micros(cast({{ end_expr }} as timestamp)) - unix_micros(cast({{ start_expr }} as timestamp))) / 1000000.0d)
{%- endmacro %}

{% macro spark__add_seconds(ts_expr, seconds_expr) -%}
    timestamp_micros(unix_micros(cast({{ ts_expr }} as timestamp)) + cast(round(cast({{ seconds_expr }} as double) * 1000000) as bigint))
{%- endmacro %}

{#- Set-returning form of the series: a lateral subquery over
    explode(sequence(...)); usage as on DuckDB:
    `cross join {{ date_series(a, b) }} as day_series` -#}
{% macro spark__date_series(start_date_expr, end_date_expr) -%}
    lateral (
        select explode(sequence(cast({{ start_date_expr }} as date), cast({{ end_date_expr }} as date), interval 1 day)) as date_day
    )
{%- endmacro %}

{% macro spark__integer_series(start_expr, end_expr) -%}
    lateral (
        select explode(sequence(cast({{ start_expr }} as bigint), cast({{ end_expr }} as bigint))) as n
    )
{%- endmacro %}

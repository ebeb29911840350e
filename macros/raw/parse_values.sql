{#- Parsing raw text values into types. Every macro returns null for a blank
    value and null for a value that does not parse (the base models turn a
    "present but null after parsing" value into a reason code). DuckDB-only
    SQL sits in the duckdb__ implementations (adapter.dispatch). -#}

{#- null for null, empty or whitespace-only text, else the text trimmed of
    spaces, tabs and line breaks. -#}
{% macro blank_to_null(expr) -%}
    {{ return(adapter.dispatch('blank_to_null', 'contact_center')(expr)) }}
{%- endmacro %}
{#- DuckDB: trim() with a character list costs ~4x plain text (a year of chat
    events, 9 columns: 14-18 s of CPU), and almost no value needs it. A value
    whose first and last characters are above the space (code > 32: neither
    space, tab, CR nor LF; a multi-byte character's code is too) is returned
    as it is; only the others are trimmed. Same result for every value. -#}
{% macro duckdb__blank_to_null(expr) -%}
    {%- set text = 'cast(' ~ expr ~ ' as varchar)' -%}
    case
        when ascii({{ text }}) > 32 and ascii(substring({{ text }}, length({{ text }}), 1)) > 32 then {{ text }}
        else nullif(trim({{ text }}, e' \t\r\n'), '')
    end
{%- endmacro %}

{#- Enumerations: trim (any whitespace) + lower-case. -#}
{% macro clean_enum(expr) -%}
    lower({{ blank_to_null(expr) }})
{%- endmacro %}

{#- Timestamps, per system format (raw-sources.md), to naive UTC. -#}
{% macro parse_ts(expr, system) -%}
    {{ return(adapter.dispatch('parse_ts', 'contact_center')(expr, system)) }}
{%- endmacro %}
{% macro duckdb__parse_ts(expr, system) -%}
    {%- set v = blank_to_null(expr) -%}
    {%- if system in ('crm', 'wfm') -%}
        {#- ISO-8601 with Z, UTC -#}
        try_strptime({{ v }}, ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'])
    {%- elif system == 'messaging' -%}
        {#- ISO-8601 with an offset (Z accepted too), an instant -#}
        coalesce(
            {{ instant_to_utc("try_strptime(" ~ v ~ ", ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z'])") }},
            try_strptime({{ v }}, ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'])
        )
    {%- elif system == 'telephony' -%}
        {#- naive wall time of var telephony_timezone -#}
        {{ wall_time_to_utc(parse_wall_time(v), var('telephony_timezone')) }}
    {%- elif system == 'survey' -%}
        {#- naive, UTC -#}
        {{ parse_wall_time(v) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_ts: unknown system '" ~ system ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- A naive `YYYY-MM-DD HH:MM:SS[.ffffff]` wall time, not converted. -#}
{% macro parse_wall_time(expr) -%}
    {{ return(adapter.dispatch('parse_wall_time', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__parse_wall_time(expr) -%}
    try_strptime({{ expr }}, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f'])
{%- endmacro %}

{#- Dates: YYYY-MM-DD. -#}
{% macro parse_date(expr) -%}
    {{ return(adapter.dispatch('parse_date', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__parse_date(expr) -%}
    cast(try_strptime({{ blank_to_null(expr) }}, '%Y-%m-%d') as date)
{%- endmacro %}

{#- Integers: an optional sign, digits, and an optional all-zero fraction
    (`12.0` is what a float column of a dataframe writes). -#}
{% macro parse_int(expr) -%}
    {{ return(adapter.dispatch('parse_int', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__parse_int(expr) -%}
    {%- set v = blank_to_null(expr) -%}
    case
        when regexp_full_match({{ v }}, '[+-]?[0-9]+(\.0*)?')
            then try_cast(split_part({{ v }}, '.', 1) as bigint)
    end
{%- endmacro %}

{#- Decimals: plain decimal notation. -#}
{% macro parse_dec(expr) -%}
    {{ return(adapter.dispatch('parse_dec', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro duckdb__parse_dec(expr) -%}
    {%- set v = blank_to_null(expr) -%}
    case
        when regexp_full_match({{ v }}, '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)')
            then try_cast({{ v }} as decimal(38, 6))
    end
{%- endmacro %}

{#- Booleans: true/false/1/0/yes/no in any case. -#}
{% macro parse_bool(expr) -%}
    {%- set v = clean_enum(expr) -%}
    case
        when {{ v }} in ('true', '1', 'yes') then true
        when {{ v }} in ('false', '0', 'no') then false
    end
{%- endmacro %}

{#- Phone numbers (spec "Normalisation rules"): digits only, a leading 00
    dropped, default_country_code prefixed when missing. -#}
{% macro normalize_phone(expr, country_code=none) -%}
    {{ return(adapter.dispatch('normalize_phone', 'contact_center')(expr, country_code or var('default_country_code'))) }}
{%- endmacro %}
{% macro duckdb__normalize_phone(expr, country_code) -%}
    {%- set digits = "nullif(regexp_replace(cast(" ~ expr ~ " as varchar), '[^0-9]', '', 'g'), '')" -%}
    {%- set no_00 = "regexp_replace(" ~ digits ~ ", '^00', '')" -%}
    case
        when nullif({{ no_00 }}, '') is null then null
        when starts_with({{ no_00 }}, '{{ country_code }}') then {{ no_00 }}
        else '{{ country_code }}' || {{ no_00 }}
    end
{%- endmacro %}

{#- The raw record as JSON text (contract columns, contract order, raw text):
    keys are the column names, values the columns `<column_prefix><column>`
    (the parsed layer keeps a row's raw text under prefixed names and builds
    the JSON only for the rows that keep it, staging_parsed_rows). -#}
{% macro raw_record_json(columns, column_prefix='') -%}
    {{ return(adapter.dispatch('raw_record_json', 'contact_center')(columns, column_prefix)) }}
{%- endmacro %}
{% macro duckdb__raw_record_json(columns, column_prefix) -%}
    cast(json_object(
        {%- for c in columns %}
        '{{ c }}', {{ column_prefix }}{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

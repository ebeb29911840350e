{#- Helpers the base models use to type raw text and to apply the generic
    validation rules of docs/design.md (the first five reason codes), all
    generated from raw_contract(). -#}

{#- Contract column names of an entity, in contract order. -#}
{% macro contract_column_names(entity_name) %}
    {{ return(raw_entity(entity_name)['columns'] | map(attribute='name') | list) }}
{% endmacro %}

{#- `col_a, col_b, ...`: the contract columns, in contract order.
    `replace` maps a column to the expression that stands for it
    (rendered `expression as col`). -#}
{% macro contract_column_list(entity_name, replace={}) -%}
    {%- for c in contract_column_names(entity_name) %}
        {% if c in replace %}{{ replace[c] }} as {% endif %}{{ c }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The record key as text: key columns' trimmed raw text joined with `|`. -#}
{% macro contract_record_key(entity_name) -%}
    {%- set parts = [] -%}
    {%- for k in raw_entity(entity_name)['key'] -%}
        {%- do parts.append("coalesce(" ~ blank_to_null(k) ~ ", '')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{#- One typed expression for a raw text column. -#}
{% macro contract_typed_value(col, system) -%}
    {%- set expr = col['name'] -%}
    {%- if col['type'] in ('id', 'str') -%}
        {{ blank_to_null(expr) }}
    {%- elif col['type'] == 'enum' -%}
        {{ clean_enum(expr) }}
    {%- elif col['type'] == 'int' -%}
        {{ parse_int(expr) }}
    {%- elif col['type'] == 'dec' -%}
        {{ parse_dec(expr) }}
    {%- elif col['type'] == 'bool' -%}
        {{ parse_bool(expr) }}
    {%- elif col['type'] == 'ts' -%}
        {{ parse_ts(expr, system) }}
    {%- elif col['type'] == 'date' -%}
        {{ parse_date(expr) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("contract_typed_value: unknown type " ~ col['type']) }}
    {%- endif -%}
{%- endmacro %}

{#- Every contract column typed from its raw text (ids/strings trimmed,
    blank = null; enums trimmed + lower-cased; numbers, booleans, timestamps
    (naive UTC) and dates parsed), plus `_is_blank__<col>` for the columns a
    rule needs to tell "blank" from "present but unparseable". -#}
{% macro contract_typed_columns(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set sequence = spec.get('sequence', []) if spec['system'] == 'telephony' else [] -%}
    {%- for col in spec['columns'] %}
        {%- if col['name'] in sequence %}
        {{ wall_time_sequence_to_utc(sequence[:sequence.index(col['name']) + 1], var('telephony_timezone')) }} as {{ col['name'] }},
        {%- elif col.get('open_end') %}
        {{ open_end_date(contract_typed_value(col, spec['system'])) }} as {{ col['name'] }},
        {%- else %}
        {{ contract_typed_value(col, spec['system']) }} as {{ col['name'] }},
        {%- endif %}
    {%- endfor %}
    {%- for col in spec['columns'] if col.get('open_end') %}
        ({{ blank_to_null(col['name']) }} is not null and {{ contract_typed_value(col, spec['system']) }} is null) as _is_unparseable__{{ col['name'] }},
    {%- endfor %}
    {%- for col in spec['columns'] if col['type'] in ('int', 'dec', 'bool', 'ts', 'date') %}
        {{ blank_to_null(col['name']) }} is null as _is_blank__{{ col['name'] }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The generic rule flags, computed on the output of contract_typed_columns:
    _has_missing_key, _has_missing_required, _has_bad_timestamp,
    _has_implausible_timestamp, _has_bad_value, _has_unknown_enum. -#}
{% macro contract_rule_flags(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set missing_key, missing_required, bad_ts, bad_value, bad_enum = [], [], [], [], [] -%}
    {%- set implausible = [] -%}
    {%- for col in spec['columns'] -%}
        {%- set n = col['name'] -%}
        {%- set blank = ('_is_blank__' ~ n) if col['type'] in ('int', 'dec', 'bool', 'ts', 'date') else (n ~ ' is null') -%}
        {%- if n in spec['key'] -%}
            {%- do missing_key.append(blank) -%}
        {%- elif col['required'] -%}
            {%- do missing_required.append(blank) -%}
        {%- endif -%}
        {%- if col['type'] in ('ts', 'date') -%}
            {%- if col.get('open_end') -%}
                {%- do bad_ts.append('_is_unparseable__' ~ n) -%}
            {%- else -%}
                {%- do bad_ts.append('(not _is_blank__' ~ n ~ ' and ' ~ n ~ ' is null)') -%}
            {%- endif -%}
            {%- do implausible.append('coalesce(not ' ~ plausible_value(n, col['type'], col.get('history', false)) ~ ', false)') -%}
        {%- elif col['type'] in ('int', 'dec', 'bool') -%}
            {%- do bad_value.append('(not _is_blank__' ~ n ~ ' and ' ~ n ~ ' is null)') -%}
        {%- elif col['type'] == 'enum' -%}
            {%- do bad_enum.append('coalesce(' ~ n ~ " not in ('" ~ col['values'] | join("', '") ~ "'), false)") -%}
        {%- endif -%}
    {%- endfor %}
        {{ missing_key | join(' or ') or 'false' }} as _has_missing_key,
        {{ missing_required | join(' or ') or 'false' }} as _has_missing_required,
        {{ bad_ts | join(' or ') or 'false' }} as _has_bad_timestamp,
        {{ implausible | join(' or ') or 'false' }} as _has_implausible_timestamp,
        {{ bad_value | join(' or ') or 'false' }} as _has_bad_value,
        {{ bad_enum | join(' or ') or 'false' }} as _has_unknown_enum
{%- endmacro %}

{#- The first five reason codes, in the order of docs/design.md; use inside
    `case ... end` before the entity-specific rules. -#}
{% macro contract_reason_cases() -%}
    when _has_missing_key then 'missing_key'
            when _has_missing_required then 'missing_required_value'
            when _has_bad_timestamp then 'unparseable_timestamp'
            when _has_implausible_timestamp then 'implausible_timestamp'
            when _has_bad_value then 'unparseable_value'
            when _has_unknown_enum then 'unknown_enum_value'
{%- endmacro %}

{#- Plausibility bounds (vars valid_from_date, valid_to_date; docs/settings.md).
    A timestamp (naive UTC) is plausible in [valid_from_date 00:00 UTC,
    valid_to_date + 1 day 00:00 UTC); a date in [valid_from_date,
    valid_to_date]. Placeholders such as 1900-01-01 or 9999-12-31T23:59:59Z
    fall outside and the row is quarantined as implausible_timestamp. Master
    data that may predate the data loaded (contract flag `history`: customers'
    created_at/updated_at, agents' hired_on/updated_at) is bounded below by
    history_floor_date() instead: old customers and long-serving agents are
    real, a 1900-01-01 placeholder is not. -#}
{% macro plausible_value(expr, type, history=false) -%}
    {%- set lower = "cast('" ~ (history_floor_date() if history else var('valid_from_date')) ~ "' as date)" -%}
    {%- set upper = "cast('" ~ var('valid_to_date') ~ "' as date)" -%}
    {%- if type == 'ts' -%}
        ({{ expr }} >= cast({{ lower }} as timestamp) and {{ expr }} < cast({{ dbt.dateadd('day', 1, upper) }} as timestamp))
    {%- else -%}
        ({{ expr }} >= {{ lower }} and {{ expr }} <= {{ upper }})
    {%- endif -%}
{%- endmacro %}

{% macro history_floor_date() %}{{ return('1950-01-01') }}{% endmacro %}

{#- An open-ended date (contract flag `open_end`, e.g. an agent's left_on):
    exports write "still open" as a far-future placeholder (9999-12-31); any
    date after valid_to_date reads as null (open), an unparseable one too. -#}
{% macro open_end_date(expr) -%}
    case when {{ expr }} <= cast('{{ var('valid_to_date') }}' as date) then {{ expr }} end
{%- endmacro %}

{#- Telephony wall times of one row that follow each other (contract key
    `sequence`: enqueued_at, answered_at, ended_at) -> naive UTC, with the DST
    rule of docs/settings.md: a wall time that exists twice (the autumn
    overlap) is read as its earliest instant that is not before the row's
    previous timestamp, so the ACD's real order is kept and no false
    impossible_timestamp_order arises; a wall time in the spring-forward gap
    (it never existed) is read with the offset before the change (02:30
    becomes 03:30 daylight time), which keeps it after the times before it.
    `columns` is the sequence up to the column to resolve (its last item). -#}
{% macro wall_time_sequence_to_utc(columns, tz, outermost=true) -%}
    {%- set name = columns[-1] -%}
    {%- set wall = parse_wall_time(blank_to_null(name)) -%}
    {%- set late = wall_time_to_utc(wall, tz, fixed_offset=false) -%}
    {%- set early_candidate = dbt.dateadd('hour', -1, late) -%}
    {%- set early -%}
        case when {{ utc_to_reporting(early_candidate, tz, fixed_offset=false) }} = {{ wall }} then {{ early_candidate }} else {{ late }} end
    {%- endset -%}
    {%- if columns | length == 1 -%}
        {%- set resolved = early -%}
    {%- else -%}
        {%- set previous = [] -%}
        {%- for i in range(columns | length - 1, 0, -1) -%}
            {%- do previous.append(wall_time_sequence_to_utc(columns[:i], tz, outermost=false)) -%}
        {%- endfor -%}
        {%- set resolved -%}
        case
            when coalesce({{ early }} >= coalesce({{ previous | join(', ') }}), true) then {{ early }}
            else {{ late }}
        end
        {%- endset -%}
    {%- endif -%}
    {#- a zone with one offset over the plausible dates has no overlap and no
        gap there: the rule gives the wall time less that offset, which
        fixed_offset_or writes without the nested conversions (the rule is
        the fallback outside those dates) -#}
    {{ fixed_offset_or('cast(' ~ wall ~ ' as timestamp)', fixed_utc_offset_s(tz) if outermost else none, -1, resolved) }}
{%- endmacro %}

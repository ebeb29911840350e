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
    {%- for col in spec['columns'] %}
        {{ contract_typed_value(col, spec['system']) }} as {{ col['name'] }},
    {%- endfor %}
    {%- for col in spec['columns'] if col['type'] in ('int', 'dec', 'bool', 'ts', 'date') %}
        {{ blank_to_null(col['name']) }} is null as _is_blank__{{ col['name'] }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The generic rule flags, computed on the output of contract_typed_columns:
    _has_missing_key, _has_missing_required, _has_bad_timestamp,
    _has_bad_value, _has_unknown_enum. -#}
{% macro contract_rule_flags(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set missing_key, missing_required, bad_ts, bad_value, bad_enum = [], [], [], [], [] -%}
    {%- for col in spec['columns'] -%}
        {%- set n = col['name'] -%}
        {%- set blank = ('_is_blank__' ~ n) if col['type'] in ('int', 'dec', 'bool', 'ts', 'date') else (n ~ ' is null') -%}
        {%- if n in spec['key'] -%}
            {%- do missing_key.append(blank) -%}
        {%- elif col['required'] -%}
            {%- do missing_required.append(blank) -%}
        {%- endif -%}
        {%- if col['type'] in ('ts', 'date') -%}
            {%- do bad_ts.append('(not _is_blank__' ~ n ~ ' and ' ~ n ~ ' is null)') -%}
        {%- elif col['type'] in ('int', 'dec', 'bool') -%}
            {%- do bad_value.append('(not _is_blank__' ~ n ~ ' and ' ~ n ~ ' is null)') -%}
        {%- elif col['type'] == 'enum' -%}
            {%- do bad_enum.append('coalesce(' ~ n ~ " not in ('" ~ col['values'] | join("', '") ~ "'), false)") -%}
        {%- endif -%}
    {%- endfor %}
        {{ missing_key | join(' or ') or 'false' }} as _has_missing_key,
        {{ missing_required | join(' or ') or 'false' }} as _has_missing_required,
        {{ bad_ts | join(' or ') or 'false' }} as _has_bad_timestamp,
        {{ bad_value | join(' or ') or 'false' }} as _has_bad_value,
        {{ bad_enum | join(' or ') or 'false' }} as _has_unknown_enum
{%- endmacro %}

{#- The first five reason codes, in the order of docs/design.md; use inside
    `case ... end` before the entity-specific rules. -#}
{% macro contract_reason_cases() -%}
    when _has_missing_key then 'missing_key'
            when _has_missing_required then 'missing_required_value'
            when _has_bad_timestamp then 'unparseable_timestamp'
            when _has_bad_value then 'unparseable_value'
            when _has_unknown_enum then 'unknown_enum_value'
{%- endmacro %}

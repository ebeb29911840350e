{#- A model's column rules in one test (one query and one scan instead of a
    test node per column and rule: a dbt test costs about 0.05 s of overhead
    whatever it reads, issue 17). Returns one row per broken rule: the
    column, the rule and how many rows break it, so the failure says which
    column; `dbt build --store-failures` keeps them.

    Rules (each optional):
      not_null:        [column, ...]              the column is never null
      non_negative:    [column, ...]              column >= 0
      accepted_values: {column: [value, ...]}     the column is one of the
                                                  values (compared as text)
      ranges:          {column: {min_value: x, max_value: y, inclusive: true}}
                                                  min <= column <= max (either
                                                  bound may be left out;
                                                  inclusive: false makes both
                                                  strict)
    Nulls pass every rule but not_null (list the column there too when it
    may not be null), as dbt's own accepted_values and dbt_utils'
    accepted_range do. Key columns have their primary_key test; the marts'
    measures use constraints (docs/quality-gates.md). -#}
{% test column_rules(model, not_null=[], non_negative=[], accepted_values={}, ranges={}) %}

{%- set rules = [] -%}
{%- for column in not_null -%}
    {%- do rules.append((column, 'not_null', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column in non_negative -%}
    {%- do rules.append((column, 'non_negative', column ~ ' < 0')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do rules.append((column, 'accepted_values',
        'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ') not in (' ~ quoted | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- for column, bounds in ranges.items() -%}
    {%- set strict = bounds.get('inclusive', true) == false -%}
    {%- set outside = [] -%}
    {%- if bounds.get('min_value') is not none -%}
        {%- do outside.append(column ~ (' <= ' if strict else ' < ') ~ bounds['min_value']) -%}
    {%- endif -%}
    {%- if bounds.get('max_value') is not none -%}
        {%- do outside.append(column ~ (' >= ' if strict else ' > ') ~ bounds['max_value']) -%}
    {%- endif -%}
    {%- if not outside -%}
        {{ exceptions.raise_compiler_error("column_rules on " ~ model ~ ": the range of " ~ column ~ " has neither min_value nor max_value") }}
    {%- endif -%}
    {%- do rules.append((column, 'range', '(' ~ outside | join(' or ') ~ ')')) -%}
{%- endfor %}

with

counted as (
    select
        {%- for column, rule, broken in rules %}
        sum(case when {{ broken }} then 1 else 0 end) as rule_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

broken_rules as (
    {%- for column, rule, broken in rules %}
    select
        '{{ column }}' as column_name,
        '{{ rule }}' as rule,
        rule_{{ loop.index }} as failing_rows
    from counted
    where rule_{{ loop.index }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from broken_rules

{% endtest %}

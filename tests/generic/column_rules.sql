{#- A model's never-null and never-negative columns in one test (one query
    and one scan instead of a test node per column: a dbt test costs about
    0.05 s of overhead whatever it reads, issue 17). Returns one row per
    broken rule: the column, the rule and how many rows break it, so the
    failure says which column; `dbt build --store-failures` keeps them.
    Nulls pass the non-negative rule (list the column under not_null too
    when it may not be null). Key columns keep their own not_null / unique
    tests; the marts use constraints instead (docs/quality-gates.md). -#}
{% test column_rules(model, not_null=[], non_negative=[]) %}

{%- set rules = [] -%}
{%- for column in not_null -%}
    {%- do rules.append((column, 'not_null', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column in non_negative -%}
    {%- do rules.append((column, 'non_negative', column ~ ' < 0')) -%}
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

{#- Fails for every key of `columns` that is null in any column or occurs
    more than once: not_null on each key column and
    unique_combination_of_columns in one query, like dbt_constraints'
    primary_key test. For views, where every test recomputes the view: the
    int_agent_daily_<family> views took 18 test queries (three per view) to
    check their agent-day key, 10.2 s of node time on a full build at year
    scale (issue 17). Returns the key, its row count and which rule it
    breaks. -#}
{% test primary_key(model, columns) %}
{%- set null_key = columns | join(' is null or ') ~ ' is null' %}

with

grouped as (
    select
        {{ columns | join(',\n        ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
),

final as (
    select
        *,
        case
            when {{ null_key }} then 'null key'
            else 'duplicate key'
        end as broken_rule
    from grouped
    where n_rows > 1 or {{ null_key }}
)

select * from final

{% endtest %}

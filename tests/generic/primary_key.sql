{#- Fails for every key of `columns` that is null in any column or occurs
    more than once: not_null on each key column and
    unique_combination_of_columns in one query, like dbt_constraints'
    primary_key test. For views, where every test recomputes the view: the
    int_agent_daily_<family> views took 18 test queries (three per view) to
    check their agent-day key, 10.2 s of node time on a full build at year
    scale (issue 17). Returns the key, its row count and which rule it
    breaks.

    On a column (`data_tests: [primary_key]`) it tests that one column, in
    place of the unique + not_null pair: one query and one test node
    instead of two (a test node costs about 0.04 s of dbt's overhead
    whatever it reads, and not_null scanned the column a second time). On
    a model, `columns` names a compound key. -#}
{% test primary_key(model, column_name=none, columns=none) %}
{%- if columns is none and column_name is none -%}
    {{ exceptions.raise_compiler_error("primary_key on " ~ model ~ ": put it on the key column, or give `columns` (a compound key)") }}
{%- endif -%}
{%- set columns = columns if columns is not none else [column_name] -%}
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

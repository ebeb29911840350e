{#- The key test of every model and seed: fails for every key that is null
    in any of its columns or occurs more than once, like dbt_constraints'
    primary_key test. One query and one test node in place of not_null on
    each key column plus unique (or a unique combination of columns): a
    test node costs about 0.04 s of dbt's overhead whatever it reads, each
    of those tests read the key again, and every test of a view recomputes
    the view (the int_agent_daily_<family> views: 18 key queries, 10.2 s of
    node time on a full build at year scale; issue 17). Returns the key,
    its row count and which rule it breaks.

    On a column (`data_tests: [primary_key]`) it tests that column; on a
    model or seed, `columns: [a, b]` names a compound key. -#}
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

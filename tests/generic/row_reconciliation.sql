{#- "Nothing is lost silently" (raw-sources.md): for every entity,
    raw_rows = clean_rows + rejected_rows + duplicate_rows + superseded_rows.

    Applied to stg_row_reconciliation, whose raw_rows are counted from the raw
    source view itself, clean_rows from the stg_ model, rejected_rows from
    stg_rejected_rows and the duplicate/superseded counts from the base flags,
    so a row dropped or doubled anywhere in staging breaks the equation.
    Fails for every entity that does not balance, and for every entity of
    `entities` (default: every entity of raw_contract()) that has no
    reconciliation row at all. -#}
{% test row_reconciliation(model, entities=none) %}
{%- set entities = entities if entities is not none else raw_contract().keys() | list %}

with

reconciliation as (
    select * from {{ model }}
),

unbalanced as (
    select
        entity,
        'unbalanced' as failure,
        raw_rows,
        clean_rows + rejected_rows + duplicate_rows + superseded_rows as accounted_rows
    from reconciliation
    where
        raw_rows is null
        or raw_rows != clean_rows + rejected_rows + duplicate_rows + superseded_rows
),

{% if entities %}
expected as (
    {%- for entity in entities %}
    select '{{ entity }}' as entity
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

missing as (
    select
        expected.entity,
        'missing' as failure,
        null as raw_rows,
        null as accounted_rows
    from expected
    left join reconciliation
        on expected.entity = reconciliation.entity
    where reconciliation.entity is null
),
{% endif %}

final as (
    select * from unbalanced
    {%- if entities %}
    union all
    select * from missing
    {%- endif %}
)

select * from final

{% endtest %}

{#- Keyed incremental (macros/incremental.sql, replace_changed_keys): a
    ticket's row here depends on its current version only, so a load
    recomputes the tickets with a base_crm__tickets row changed in it and
    replaces their rows (none when the ticket is no longer solved); every
    other ticket keeps its row. In a year-scale daily load: 2.3-2.5 s of
    node time rebuilt in full, 0.3-0.4 s keyed (benchmarks/results.md,
    session 33). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_keys',
    changed_keys=['ticket_id'],
    on_schema_change='fail',
) }}

with

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
    {{- changed_keys_filter() }}
),

final as (
    select
        ticket_id,
        assignee_agent_id,
        customer_id,
        status,
        category,
        created_at,
        solved_at,
        reopen_count,
        {{ reporting_date('solved_at') }} as solved_date,
        {{ seconds_between('created_at', 'solved_at') }} as resolution_s
    from tickets
    where
        status in ('solved', 'closed')
        and solved_at is not null
)

select * from final

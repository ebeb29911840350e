{#- changed_keys: on a load, row-level tests look at the rows of keys the load
    changed (macros/incremental.sql, get_where_subquery), and the keyed
    int_tickets_resolved recomputes those tickets only -#}
{{ config(changed_keys=['ticket_id']) }}

with

tickets as (
    select * from {{ ref('base_crm__tickets') }}
    where is_clean
),

final as (
    select
        ticket_id,
        customer_id,
        channel,
        category,
        is_complaint,
        priority,
        status,
        assignee_agent_id,
        created_at,
        solved_at,
        reopen_count,
        updated_at
    from tickets
)

select * from final

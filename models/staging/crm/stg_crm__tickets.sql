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

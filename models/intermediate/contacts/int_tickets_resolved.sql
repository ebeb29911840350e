with

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
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

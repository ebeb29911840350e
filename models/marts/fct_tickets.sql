{#- Current (latest) version of every ticket, with its resolution time when
    it is solved or closed with a `solved_at`. -#}
with

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
),

tickets_resolved as (
    select * from {{ ref('int_tickets_resolved') }}
),

final as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.assignee_agent_id,
        tickets.channel,
        tickets.category,
        tickets.priority,
        tickets.status,
        tickets.is_complaint,
        tickets_resolved.ticket_id is not null as is_solved,
        cast(tickets.reopen_count as bigint) as reopen_count,
        tickets.created_at,
        {{ reporting_date('tickets.created_at') }} as created_date,
        tickets.solved_at,
        cast(tickets_resolved.solved_date as date) as solved_date,
        cast(tickets_resolved.resolution_s as double) as resolution_s,
        tickets.updated_at
    from tickets
    left join tickets_resolved
        on tickets.ticket_id = tickets_resolved.ticket_id
)

select * from final

{#- Current (latest) version of every ticket, with its resolution time when
    it is solved or closed with a `solved_at`. -#}
with

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
),

tickets_resolved as (
    select * from {{ ref('int_tickets_resolved') }}
),

ticket_sla as (
    select * from {{ ref('int_ticket_sla') }}
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
        tickets.updated_at,
        ticket_sla.sla_hours,
        ticket_sla.resolution_target_s,
        cast(ticket_sla.business_resolution_s as double) as business_resolution_s,
        ticket_sla.is_resolution_sla_met,
        ticket_sla.is_resolution_sla_breached,
        cast(ticket_sla.resolution_time_to_breach_s as double) as resolution_time_to_breach_s
    from tickets
    left join tickets_resolved
        on tickets.ticket_id = tickets_resolved.ticket_id
    left join ticket_sla
        on tickets.ticket_id = ticket_sla.ticket_id
)

select * from final

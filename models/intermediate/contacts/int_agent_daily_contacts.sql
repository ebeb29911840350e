{{ config(materialized='view', window_column='activity_date') }}

{#- Agent-day contact outcomes: the handled contacts an agent owned (calls
    and chats) with their customers, complaints, first-contact resolution,
    repeats and pre-sales customers, on the contact's reporting day; and the
    tickets solved by the agent, on the reporting day of `solved_at`. -#}

with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

contact_flags as (
    select * from {{ ref('int_contacts_fcr_flagged') }}
),

tickets_resolved as (
    select * from {{ ref('int_tickets_resolved') }}
),

contact_sla as (
    select * from {{ ref('int_contact_sla') }}
),

ticket_sla as (
    select * from {{ ref('int_ticket_sla') }}
),

owned_contacts as (
    select
        contacts.owner_agent_id as agent_id,
        contacts.activity_date,
        contacts.customer_id,
        contacts.is_complaint,
        contacts.is_presales,
        contacts.ended_at,
        contact_flags.is_fcr,
        contact_flags.is_repeat,
        contact_sla.is_first_response_sla_met
    from contacts
    left join contact_flags
        on contacts.contact_id = contact_flags.contact_id
    left join contact_sla
        on contacts.contact_id = contact_sla.contact_id
    where
        contacts.is_handled
        and contacts.owner_agent_id is not null
),

owned as (
    select
        agent_id,
        activity_date,
        count(*) as contacts_owned,
        count(distinct customer_id) as customers_served,
        count(case when is_complaint then 1 end) as complaints,
        count(customer_id) as fcr_eligible_contacts,
        count(case when customer_id is not null and is_fcr then 1 end) as fcr_contacts,
        count(case when customer_id is not null and is_repeat then 1 end) as repeat_contacts,
        count(distinct case when is_presales then customer_id end) as presales_customers,
        count(is_first_response_sla_met) as first_response_sla_contacts,
        count(case when is_first_response_sla_met then 1 end) as first_response_sla_met,
        max(ended_at) as last_contact_ended_at
    from owned_contacts
    group by agent_id, activity_date
),

solved as (
    select
        tickets_resolved.assignee_agent_id as agent_id,
        tickets_resolved.solved_date as activity_date,
        count(*) as tickets_solved,
        count(case when tickets_resolved.reopen_count > 0 then 1 end) as tickets_solved_reopened,
        sum(tickets_resolved.resolution_s) as resolution_s_sum,
        count(ticket_sla.is_resolution_sla_met) as resolution_sla_tickets,
        count(case when ticket_sla.is_resolution_sla_met then 1 end) as resolution_sla_met
    from tickets_resolved
    left join ticket_sla
        on tickets_resolved.ticket_id = ticket_sla.ticket_id
    where
        tickets_resolved.assignee_agent_id is not null
        and tickets_resolved.solved_date is not null
    group by tickets_resolved.assignee_agent_id, tickets_resolved.solved_date
),

{{ agent_days_joined([
    ('owned', ['contacts_owned', 'customers_served', 'complaints', 'fcr_eligible_contacts', 'fcr_contacts', 'repeat_contacts', 'presales_customers', 'first_response_sla_contacts', 'first_response_sla_met', 'last_contact_ended_at']),
    ('solved', ['tickets_solved', 'tickets_solved_reopened', 'resolution_s_sum', 'resolution_sla_tickets', 'resolution_sla_met']),
]) }}

select * from final

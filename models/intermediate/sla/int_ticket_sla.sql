{#- Resolution SLA of every ticket (current version): the policy in force
    when it was created (sla_policies: priority x channel, latest valid_from
    on or before the reporting date of created_at), the site whose business
    hours count (the current assignee's site, else `default`), and the time
    from created_at to solved_at (solved or closed tickets) or, for a ticket
    still open, to the data horizon (the latest updated_at of any ticket), in
    calendar or business seconds as the policy says. -#}

with

tickets as {{ cte_inlined() }} (
    select * from {{ ref('stg_crm__tickets') }}
),

agents as (
    select * from {{ ref('stg_crm__agents') }}
    where is_current
),

business_sites as (
    select distinct site from {{ ref('business_hours') }}
),

horizon as (
    select max(updated_at) as as_of_at
    from tickets
),

tickets_sited as (
    select
        tickets.ticket_id,
        tickets.priority,
        tickets.channel,
        tickets.created_at,
        cast({{ reporting_date('tickets.created_at') }} as date) as created_date,
        case
            when tickets.status in ('solved', 'closed') and tickets.solved_at is not null
                then tickets.solved_at
        end as solved_at,
        coalesce(business_sites.site, 'default') as site
    from tickets
    left join agents
        on tickets.assignee_agent_id = agents.agent_id
    left join business_sites
        on agents.site = business_sites.site
),

policies as (
    {{ sla_policy_in_force(
        'tickets_sited', 'ticket_id', 'tickets_sited.priority', 'tickets_sited.channel',
        'tickets_sited.created_date', 'resolution_target_s'
    ) }}
),

spans as (
    -- created to solved, or to the horizon while open
    select
        tickets_sited.ticket_id as span_id,
        tickets_sited.site,
        tickets_sited.created_at as started_at,
        greatest(tickets_sited.created_at, coalesce(tickets_sited.solved_at, horizon.as_of_at)) as ended_at
    from tickets_sited
    cross join horizon
),

business_time as (
    {{ business_seconds_by_span('spans') }}
),

measured as (
    select
        tickets_sited.ticket_id,
        tickets_sited.site,
        tickets_sited.solved_at is not null as is_solved,
        policies.hours as sla_hours,
        policies.resolution_target_s,
        {{ seconds_between('spans.started_at', 'spans.ended_at') }} as calendar_s,
        coalesce(business_time.business_s, 0) as business_s
    from tickets_sited
    inner join spans
        on tickets_sited.ticket_id = spans.span_id
    left join policies
        on tickets_sited.ticket_id = policies.ticket_id
    left join business_time
        on tickets_sited.ticket_id = business_time.span_id
),

final as (
    select
        ticket_id,
        site as sla_site,
        sla_hours,
        cast(resolution_target_s as double) as resolution_target_s,
        case when is_solved then business_s end as business_resolution_s,
        case when sla_hours = 'business' then business_s else calendar_s end as sla_elapsed_s,
        case
            when resolution_target_s is not null and is_solved
                then (case when sla_hours = 'business' then business_s else calendar_s end) <= resolution_target_s
        end as is_resolution_sla_met,
        coalesce(
            resolution_target_s is not null
            and (case when sla_hours = 'business' then business_s else calendar_s end) > resolution_target_s,
            false
        ) as is_resolution_sla_breached,
        resolution_target_s - case when sla_hours = 'business' then business_s else calendar_s end
            as resolution_time_to_breach_s
    from measured
)

select * from final

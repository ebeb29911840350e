{#- Resolution SLA of every ticket (current version): the policy in force
    when it was created (sla_policies: priority x channel, latest valid_from
    on or before the reporting date of created_at), the site whose business
    hours count (the current assignee's site, else `default`), and the time
    from created_at to solved_at (solved or closed tickets) or, for a ticket
    still open, to the data horizon (the latest updated_at of any ticket), in
    calendar or business seconds as the policy says.

    Incremental (macros/incremental.sql, replace_recomputed_keys on
    ticket_id). A ticket's row depends on its own current version, the site
    of its assignee's current version, the seeds and settings (which a load
    cannot change: raw.build_settings, macros/build_settings.sql) and, while
    it is open, the horizon. A load recomputes
      a) the tickets whose row it changed (base_crm__tickets; one it rejected
         now is deleted),
      b) every open ticket: its clock runs to the horizon, which moves,
      c) the tickets whose site is not the one their row holds (their
         agent moved to another site; int_load_window then reaches every
         windowed day as well),
    and marks them computed_in this invocation for fct_tickets. Every solved
    ticket otherwise keeps its row. Rebuilt in full it cost 2.3-2.9 s of a
    year-scale daily load (525 k tickets, 22 % of them open). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_recomputed_keys',
    changed_keys=['ticket_id'],
    on_schema_change='fail',
) }}

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

every_ticket_sited as (
    select
        tickets.ticket_id,
        tickets.priority,
        tickets.channel,
        tickets.created_at,
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

{% if is_incremental() -%}
previous as (
    select
        ticket_id,
        sla_site
    from {{ this }}
),

recomputed_ids as (
    -- a) rows the load changed
    select ticket_id from tickets
    where {{ changed_keys_predicate() }}

    union

    -- b) open: its clock runs to the horizon
    select ticket_id from every_ticket_sited
    where solved_at is null

    union

    -- c) the site that counts is no longer the one recorded
    select previous.ticket_id
    from previous
    inner join every_ticket_sited
        on previous.ticket_id = every_ticket_sited.ticket_id
    where previous.sla_site != every_ticket_sited.site
),

{% endif -%}

tickets_sited as (
    select
        ticket_id,
        priority,
        channel,
        created_at,
        cast({{ reporting_date('created_at') }} as date) as created_date,
        solved_at,
        site
    from every_ticket_sited
    {%- if is_incremental() %}
    -- incremental: the tickets this load recomputes (the header's a-c)
    where ticket_id in (select recomputed_ids.ticket_id from recomputed_ids)
    {%- endif %}
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
            as resolution_time_to_breach_s,
        '{{ invocation_id }}' as computed_in
    from measured
)

select * from final

{#- First-response SLA of every contact with a first response: a call's
    answer wait (root leg enqueued to its first answered leg) or a chat's
    first response (first customer message to first agent message). The
    policy is the one in force when the contact started (sla_policies for
    channel phone or chat and the priority of the linked ticket, normal
    without one); the site is the owner's (else `default`). Windowed by the
    contact's reporting day: a load recomputes the contacts of its window. -#}

{{ load_window_config('activity_date') }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['contact_id']) }}

with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
    {{- load_window_input_filter('activity_date') }}
),

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
),

agents as (
    select * from {{ ref('stg_crm__agents') }}
    where is_current
),

business_sites as (
    select distinct site from {{ ref('business_hours') }}
),

responded as (
    select
        contacts.contact_id,
        contacts.started_at,
        contacts.activity_date,
        case when contacts.contact_type = 'call' then 'phone' else 'chat' end as sla_channel,
        coalesce(tickets.priority, 'normal') as priority,
        coalesce(business_sites.site, 'default') as site,
        coalesce(contacts.first_response_s, contacts.wait_s) as response_s
    from contacts
    left join tickets
        on contacts.ticket_id = tickets.ticket_id
    left join agents
        on contacts.owner_agent_id = agents.agent_id
    left join business_sites
        on agents.site = business_sites.site
    where coalesce(contacts.first_response_s, contacts.wait_s) is not null
),

policies as (
    select * from (
        {{ sla_policy_in_force(
            'responded', 'contact_id', 'responded.priority', 'responded.sla_channel',
            'responded.activity_date', 'first_response_target_s'
        ) }}
    ) as in_force
    where first_response_target_s is not null
),

spans as (
    select
        contact_id as span_id,
        site,
        started_at,
        {{ add_seconds('started_at', 'response_s') }} as ended_at
    from responded
),

business_time as (
    {{ business_seconds_by_span('spans') }}
),

final as (
    select
        responded.contact_id,
        responded.activity_date,
        responded.site as sla_site,
        policies.hours as sla_hours,
        cast(policies.first_response_target_s as double) as first_response_target_s,
        responded.response_s,
        coalesce(business_time.business_s, 0) as business_response_s,
        case when policies.hours = 'business' then coalesce(business_time.business_s, 0) else responded.response_s end
        <= policies.first_response_target_s as is_first_response_sla_met
    from responded
    inner join policies
        on responded.contact_id = policies.contact_id
    left join business_time
        on responded.contact_id = business_time.span_id
)

select * from final
{{ load_window_filter() }}

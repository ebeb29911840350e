{{ load_window_config('activity_date') }}

{#- One row per contact (call contact or chat conversation) with its owner,
    customer, timings, linked ticket, counting survey scores and FCR/repeat
    flags. -#}
with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

contact_flags as (
    -- on a load, the window's contacts only: a contact's flags, SLA and
    -- attributed surveys carry its activity_date
    select * from {{ ref('int_contacts_fcr_flagged') }}
    {{- load_window_input_filter('activity_date') }}
),

surveys as (
    select * from {{ ref('int_surveys_attributed') }}
    {{- load_window_input_filter('contact_activity_date') }}
),

contact_sla as (
    select * from {{ ref('int_contact_sla') }}
    {{- load_window_input_filter('activity_date') }}
),

counting_scores as (
    select
        contact_id,
        max(case when survey = 'csat' then score end) as csat_score,
        max(case when survey = 'nps' then score end) as nps_score
    from surveys
    where
        is_counting
        and contact_id is not null
    group by contact_id
),

final as (
    select
        contacts.contact_id,
        contacts.contact_type,
        contacts.channel,
        contacts.source_ref,
        contacts.customer_id,
        contacts.owner_agent_id,
        contacts.queue,
        cast(contacts.activity_date as date) as activity_date,
        contacts.started_at,
        {{ utc_to_reporting('contacts.started_at') }} as started_at_local,
        contacts.ended_at,
        contacts.is_handled,
        contacts.ticket_id,
        coalesce(contacts.is_complaint, false) as is_complaint,
        coalesce(contacts.is_presales, false) as is_presales,
        cast(contacts.wait_s as double) as wait_s,
        cast(contacts.handle_s as double) as handle_s,
        cast(contacts.first_response_s as double) as first_response_s,
        cast(counting_scores.csat_score as integer) as csat_score,
        cast(counting_scores.nps_score as integer) as nps_score,
        case
            when contacts.is_handled and contacts.customer_id is not null
                then coalesce(contact_flags.is_fcr, false)
        end as is_fcr,
        case
            when contacts.is_handled and contacts.customer_id is not null
                then coalesce(contact_flags.is_repeat, false)
        end as is_repeat,
        cast(contact_sla.first_response_target_s as double) as first_response_target_s,
        cast(contact_sla.business_response_s as double) as business_first_response_s,
        contact_sla.is_first_response_sla_met
    from contacts
    left join contact_flags
        on contacts.contact_id = contact_flags.contact_id
    left join counting_scores
        on contacts.contact_id = counting_scores.contact_id
    left join contact_sla
        on contacts.contact_id = contact_sla.contact_id
)

select * from final
{{ load_window_filter() }}

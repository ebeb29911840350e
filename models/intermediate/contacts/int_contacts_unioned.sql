{{ load_window_config('activity_date') }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['contact_id', 'source_ref']) }}

with

call_contacts as (
    select * from {{ ref('int_call_contacts_assembled') }}
),

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
),

contacts as (
    select
        contact_id,
        'call' as contact_type,
        channel,
        source_ref,
        customer_id,
        owner_agent_id,
        queue,
        activity_date,
        started_at,
        ended_at,
        is_handled,
        ticket_id,
        wait_s,
        cast(handle_s as double) as handle_s,
        cast(null as double) as first_response_s
    from call_contacts

    union all

    select
        contact_id,
        'chat' as contact_type,
        channel,
        source_ref,
        customer_id,
        owner_agent_id,
        cast(null as string) as queue,
        activity_date,
        started_at,
        ended_at,
        is_handled,
        ticket_id,
        cast(null as double) as wait_s,
        cast(handle_s as double) as handle_s,
        first_response_s
    from conversations
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
        contacts.activity_date,
        contacts.started_at,
        contacts.ended_at,
        contacts.is_handled,
        contacts.ticket_id,
        coalesce(contacts.is_handled and tickets.is_complaint, false) as is_complaint,
        coalesce(contacts.is_handled and tickets.category = 'pre_sales', false) as is_presales,
        contacts.wait_s,
        contacts.handle_s,
        contacts.first_response_s
    from contacts
    left join tickets
        on contacts.ticket_id = tickets.ticket_id
)

select * from final
{{ load_window_filter() }}

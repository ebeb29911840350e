with

source as (
    select
        {{ contract_column_list('messaging__messages') }},
        source_file
    from {{ source('messaging', 'messages') }}
),

known_agents as (
    -- the roster: every valid version of every agent
    select distinct agent_id from {{ ref('base_crm__agents') }}
    where is_valid
),

known_customers as (
    -- every customer with at least one valid version
    select distinct customer_id from {{ ref('base_crm__customers') }}
    where is_valid
),

known_tickets as (
    -- every ticket with a valid version (its current version is in stg)
    select ticket_id from {{ ref('stg_crm__tickets') }}
),

deduplicated as (
    -- rule 1: rows with identical raw text in every contract column are one
    -- row; the extra copies are counted, the first file is kept
    select
        {{ contract_column_list('messaging__messages') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('messaging__messages') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('messaging__messages')) }} as raw_record,
        {{ contract_record_key('messaging__messages') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('messaging__messages') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('messaging__messages') }}
    from typed
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
            when flagged.char_count < 0 then 'negative_duration'
            when flagged.agent_id is not null and known_agents.agent_id is null then 'unknown_agent'
            when known_customers.customer_id is null then 'unknown_customer'
        end as reason_code
    from flagged
    left join known_agents
        on flagged.agent_id = known_agents.agent_id
    left join known_customers
        on flagged.customer_id = known_customers.customer_id
),

links_checked as (
    -- a ticket_id that matches no valid ticket is nulled, the message is kept
    select
        validated.*,
        known_tickets.ticket_id as known_ticket_id
    from validated
    left join known_tickets
        on validated.ticket_id = known_tickets.ticket_id
),

winners as (
    -- rule 3: events sharing a message_id: the smallest md5(raw_record) wins
    select
        message_id,
        min(raw_record_md5) as winner_md5
    from links_checked
    where reason_code is null
    group by
        message_id
),

versioned as (
    select
        links_checked.*,
        coalesce(
            links_checked.reason_code is null and links_checked.raw_record_md5 != winners.winner_md5,
            false
        ) as is_superseded
    from links_checked
    left join winners
        on links_checked.message_id = winners.message_id
),

final as (
    select
        {{ contract_column_list('messaging__messages', replace={'ticket_id': 'known_ticket_id'}) }},
        source_file,
        record_key,
        raw_record,
        raw_record_md5,
        duplicate_copies,
        reason_code,
        reason_code is null as is_valid,
        is_superseded,
        reason_code is null and not is_superseded as is_clean
    from versioned
)

select * from final

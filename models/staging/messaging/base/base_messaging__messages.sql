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

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('messaging__messages')) }} as raw_record
    from source
),

duplicates_flagged as (
    -- rule 1: identical raw text in every contract column = one row;
    -- every extra copy is a duplicate (the copy from the first file is kept)
    select
        *,
        row_number() over (
            partition by raw_record
            order by source_file
        ) > 1 as is_duplicate
    from recorded
),

typed as (
    select
        duplicates_flagged.source_file,
        duplicates_flagged.raw_record,
        md5(duplicates_flagged.raw_record) as raw_record_md5,
        {{ contract_record_key('messaging__messages', 'duplicates_flagged') }} as record_key,
        duplicates_flagged.is_duplicate,
        {{ contract_typed_columns('messaging__messages', 'duplicates_flagged') }}
    from duplicates_flagged
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        typed.*,
        case
            when typed.is_duplicate then null
            {{ contract_reason_cases() }}
            when typed.char_count < 0 then 'negative_duration'
            when typed.agent_id is not null and known_agents.agent_id is null then 'unknown_agent'
            when known_customers.customer_id is null then 'unknown_customer'
        end as reason_code
    from typed
    left join known_agents
        on typed.agent_id = known_agents.agent_id
    left join known_customers
        on typed.customer_id = known_customers.customer_id
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

versioned as (
    -- rule 3: versions among valid rows; ties go to the smallest md5(raw_record)
    select
        *,
        coalesce(
            not is_duplicate
            and reason_code is null
            and row_number() over (
                partition by (not is_duplicate and reason_code is null), message_id
                order by raw_record_md5
            ) > 1,
            false
        ) as is_superseded
    from links_checked
),

final as (
    select
        {{ contract_column_list('messaging__messages', replace={'ticket_id': 'known_ticket_id'}) }},
        source_file,
        record_key,
        raw_record,
        raw_record_md5,
        is_duplicate,
        reason_code,
        not is_duplicate and reason_code is null as is_valid,
        is_superseded,
        not is_duplicate and reason_code is null and not is_superseded as is_clean
    from versioned
)

select * from final

with

source as (
    select
        {{ contract_column_list('crm__tickets') }},
        source_file
    from {{ source('crm', 'tickets') }}
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

deduplicated as (
    -- rule 1: rows with identical raw text in every contract column are one
    -- row; the extra copies are counted, the first file is kept
    select
        {{ contract_column_list('crm__tickets') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('crm__tickets') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('crm__tickets')) }} as raw_record,
        {{ contract_record_key('crm__tickets') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('crm__tickets') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('crm__tickets') }}
    from typed
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
            when flagged.reopen_count < 0 then 'negative_duration'
            when flagged.solved_at < flagged.created_at then 'impossible_timestamp_order'
            when flagged.assignee_agent_id is not null and known_agents.agent_id is null then 'unknown_agent'
            when known_customers.customer_id is null then 'unknown_customer'
        end as reason_code
    from flagged
    left join known_agents
        on flagged.assignee_agent_id = known_agents.agent_id
    left join known_customers
        on flagged.customer_id = known_customers.customer_id
),

latest as (
    -- rule 3: the latest updated_at wins ...
    select
        ticket_id,
        max(updated_at) as latest_updated_at
    from validated
    where reason_code is null
    group by ticket_id
),

winners as (
    -- ... and among versions tied on it, the smallest md5(raw_record)
    select
        validated.ticket_id,
        min(validated.raw_record_md5) as winner_md5
    from validated
    inner join latest
        on
            validated.ticket_id = latest.ticket_id
            and validated.updated_at = latest.latest_updated_at
    where validated.reason_code is null
    group by validated.ticket_id
),

versioned as (
    select
        validated.*,
        coalesce(
            validated.reason_code is null and validated.raw_record_md5 != winners.winner_md5,
            false
        ) as is_superseded
    from validated
    left join winners
        on validated.ticket_id = winners.ticket_id
),

final as (
    select
        {{ contract_column_list('crm__tickets') }},
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

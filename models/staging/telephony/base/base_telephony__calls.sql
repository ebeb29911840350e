with

source as (
    select
        {{ contract_column_list('telephony__calls') }},
        source_file
    from {{ source('telephony', 'calls') }}
),

known_agents as (
    -- the roster: every valid version of every agent
    select distinct agent_id from {{ ref('base_crm__agents') }}
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
        {{ contract_column_list('telephony__calls') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('telephony__calls') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('telephony__calls')) }} as raw_record,
        {{ contract_record_key('telephony__calls') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('telephony__calls') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('telephony__calls') }}
    from typed
),

validated_legs as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    -- (all but unknown_call_reference, which needs the valid legs)
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
            when flagged.hold_s < 0 or flagged.acw_s < 0 then 'negative_duration'
            when flagged.answered_at < flagged.enqueued_at then 'impossible_timestamp_order'
            when flagged.ended_at < coalesce(flagged.answered_at, flagged.enqueued_at) then 'impossible_timestamp_order'
            when flagged.agent_id is not null and known_agents.agent_id is null then 'unknown_agent'
        end as leg_reason_code
    from flagged
    left join known_agents
        on flagged.agent_id = known_agents.agent_id
),

valid_legs as (
    -- legs that pass every other rule: what a root_call_id may point to
    select distinct call_id from validated_legs
    where leg_reason_code is null
),

validated as (
    select
        validated_legs.*,
        case
            when validated_legs.leg_reason_code is not null then validated_legs.leg_reason_code
            when validated_legs.root_call_id is not null and valid_legs.call_id is null
                then 'unknown_call_reference'
        end as reason_code
    from validated_legs
    left join valid_legs
        on validated_legs.root_call_id = valid_legs.call_id
),

links_checked as (
    -- a ticket_id that matches no valid ticket is nulled, the leg is kept
    select
        validated.*,
        known_tickets.ticket_id as known_ticket_id
    from validated
    left join known_tickets
        on validated.ticket_id = known_tickets.ticket_id
),

winners as (
    -- rule 3: legs sharing a call_id: the smallest md5(raw_record) wins
    select
        call_id,
        min(raw_record_md5) as winner_md5
    from links_checked
    where reason_code is null
    group by
        call_id
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
        on links_checked.call_id = winners.call_id
),

final as (
    select
        {{ contract_column_list('telephony__calls', replace={'ticket_id': 'known_ticket_id'}) }},
        {{ normalize_phone('caller_number') }} as caller_phone_normalized,
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

with

source as (
    select
        {{ contract_column_list('wfm__agent_states') }},
        source_file
    from {{ source('wfm', 'agent_states') }}
),

known_agents as (
    -- the roster: every valid version of every agent
    select distinct agent_id from {{ ref('base_crm__agents') }}
    where is_valid
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('wfm__agent_states')) }} as raw_record
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
        {{ contract_record_key('wfm__agent_states', 'duplicates_flagged') }} as record_key,
        duplicates_flagged.is_duplicate,
        {{ contract_typed_columns('wfm__agent_states', 'duplicates_flagged') }}
    from duplicates_flagged
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        typed.*,
        case
            when typed.is_duplicate then null
            {{ contract_reason_cases() }}
            when typed.ended_at < typed.started_at then 'negative_duration'
            when known_agents.agent_id is null then 'unknown_agent'
        end as reason_code
    from typed
    left join known_agents
        on typed.agent_id = known_agents.agent_id
),

versioned as (
    -- rule 3: versions among valid rows; ties go to the smallest md5(raw_record)
    select
        *,
        coalesce(
            not is_duplicate
            and reason_code is null
            and row_number() over (
                partition by (not is_duplicate and reason_code is null), agent_id, started_at
                order by raw_record_md5
            ) > 1,
            false
        ) as is_superseded
    from validated
),

final as (
    select
        {{ contract_column_list('wfm__agent_states') }},
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

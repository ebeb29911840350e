with

source as (
    select
        {{ contract_column_list('crm__qa_evaluations') }},
        source_file
    from {{ source('crm', 'qa_evaluations') }}
),

known_agents as (
    -- the roster: every valid version of every agent
    select distinct agent_id from {{ ref('base_crm__agents') }}
    where is_valid
),

deduplicated as (
    -- rule 1: rows with identical raw text in every contract column are one
    -- row; the extra copies are counted, the first file is kept
    select
        {{ contract_column_list('crm__qa_evaluations') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('crm__qa_evaluations') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('crm__qa_evaluations')) }} as raw_record,
        {{ contract_record_key('crm__qa_evaluations') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('crm__qa_evaluations') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('crm__qa_evaluations') }}
    from typed
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
            when flagged.score not between 0 and 100 then 'score_out_of_range'
            when known_agents.agent_id is null then 'unknown_agent'
        end as reason_code
    from flagged
    left join known_agents
        on flagged.agent_id = known_agents.agent_id
),

winners as (
    -- rule 3: rows sharing an evaluation_id: the smallest md5(raw_record) wins
    select
        evaluation_id,
        min(raw_record_md5) as winner_md5
    from validated
    where reason_code is null
    group by
        evaluation_id
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
        on validated.evaluation_id = winners.evaluation_id
),

final as (
    select
        {{ contract_column_list('crm__qa_evaluations') }},
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

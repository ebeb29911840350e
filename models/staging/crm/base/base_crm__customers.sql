with

source as (
    select
        {{ contract_column_list('crm__customers') }},
        source_file
    from {{ source('crm', 'customers') }}
),

deduplicated as (
    -- rule 1: rows with identical raw text in every contract column are one
    -- row; the extra copies are counted, the first file is kept
    select
        {{ contract_column_list('crm__customers') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('crm__customers') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('crm__customers')) }} as raw_record,
        {{ contract_record_key('crm__customers') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('crm__customers') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('crm__customers') }}
    from typed
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
        end as reason_code
    from flagged
),

winners as (
    -- rule 3: versions of a customer tied on updated_at: the smallest md5(raw_record) wins
    select
        customer_id,
        updated_at,
        min(raw_record_md5) as winner_md5
    from validated
    where reason_code is null
    group by
        customer_id,
        updated_at
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
        on
            validated.customer_id = winners.customer_id
            and validated.updated_at = winners.updated_at
),

final as (
    select
        {{ contract_column_list('crm__customers') }},
        {{ normalize_phone('phone') }} as phone_normalized,
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

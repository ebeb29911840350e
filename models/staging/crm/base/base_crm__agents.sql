with

source as (
    select
        {{ contract_column_list('crm__agents') }},
        source_file
    from {{ source('crm', 'agents') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('crm__agents')) }} as raw_record
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
        {{ contract_record_key('crm__agents', 'duplicates_flagged') }} as record_key,
        duplicates_flagged.is_duplicate,
        {{ contract_typed_columns('crm__agents', 'duplicates_flagged') }}
    from duplicates_flagged
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        typed.*,
        case
            when typed.is_duplicate then null
            {{ contract_reason_cases() }}
        end as reason_code
    from typed
),

versioned as (
    -- rule 3: versions among valid rows; ties go to the smallest md5(raw_record)
    select
        *,
        coalesce(
            not is_duplicate
            and reason_code is null
            and row_number() over (
                partition by (not is_duplicate and reason_code is null), agent_id, updated_at
                order by raw_record_md5
            ) > 1,
            false
        ) as is_superseded
    from validated
),

final as (
    select
        {{ contract_column_list('crm__agents') }},
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

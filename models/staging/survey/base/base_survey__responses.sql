with

source as (
    select
        {{ contract_column_list('survey__responses') }},
        source_file
    from {{ source('survey', 'responses') }}
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
        {{ contract_column_list('survey__responses') }},
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from source
    group by
        {{ contract_column_list('survey__responses') }}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names('survey__responses')) }} as raw_record,
        {{ contract_record_key('survey__responses') }} as record_key
    from deduplicated
),

typed as (
    select
        source_file,
        duplicate_copies,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns('survey__responses') }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags('survey__responses') }}
    from typed
),

validated as (
    -- rule 2: the first failing rule, in the order of docs/design.md
    select
        flagged.*,
        case
            {{ contract_reason_cases() }}
            when flagged.survey = 'csat' and flagged.score not between 1 and 5 then 'score_out_of_range'
            when flagged.survey = 'nps' and flagged.score not between 0 and 10 then 'score_out_of_range'
            when flagged.responded_at < flagged.sent_at then 'impossible_timestamp_order'
            when known_customers.customer_id is null then 'unknown_customer'
        end as reason_code
    from flagged
    left join known_customers
        on flagged.customer_id = known_customers.customer_id
),

links_checked as (
    -- a ticket_id that matches no valid ticket is nulled, the response is kept
    select
        validated.*,
        known_tickets.ticket_id as known_ticket_id
    from validated
    left join known_tickets
        on validated.ticket_id = known_tickets.ticket_id
),

winners as (
    -- rule 3: responses sharing a response_id: the smallest md5(raw_record) wins
    select
        response_id,
        min(raw_record_md5) as winner_md5
    from links_checked
    where reason_code is null
    group by
        response_id
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
        on links_checked.response_id = winners.response_id
),

final as (
    select
        {{ contract_column_list('survey__responses', replace={'ticket_id': 'known_ticket_id'}) }},
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

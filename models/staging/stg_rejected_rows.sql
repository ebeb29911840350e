{{ config(materialized='table') }}

with

base_crm__agents as (
    select * from {{ ref('base_crm__agents') }}
),

base_crm__customers as (
    select * from {{ ref('base_crm__customers') }}
),

base_crm__tickets as (
    select * from {{ ref('base_crm__tickets') }}
),

base_crm__orders as (
    select * from {{ ref('base_crm__orders') }}
),

base_crm__qa_evaluations as (
    select * from {{ ref('base_crm__qa_evaluations') }}
),

base_telephony__calls as (
    select * from {{ ref('base_telephony__calls') }}
),

base_messaging__messages as (
    select * from {{ ref('base_messaging__messages') }}
),

base_survey__responses as (
    select * from {{ ref('base_survey__responses') }}
),

base_wfm__schedules as (
    select * from {{ ref('base_wfm__schedules') }}
),

base_wfm__agent_states as (
    select * from {{ ref('base_wfm__agent_states') }}
),

rejected as (
    select
        'crm__agents' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_crm__agents
    where reason_code is not null

    union all

    select
        'crm__customers' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_crm__customers
    where reason_code is not null

    union all

    select
        'crm__tickets' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_crm__tickets
    where reason_code is not null

    union all

    select
        'crm__orders' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_crm__orders
    where reason_code is not null

    union all

    select
        'crm__qa_evaluations' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_crm__qa_evaluations
    where reason_code is not null

    union all

    select
        'telephony__calls' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_telephony__calls
    where reason_code is not null

    union all

    select
        'messaging__messages' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_messaging__messages
    where reason_code is not null

    union all

    select
        'survey__responses' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_survey__responses
    where reason_code is not null

    union all

    select
        'wfm__schedules' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_wfm__schedules
    where reason_code is not null

    union all

    select
        'wfm__agent_states' as entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from base_wfm__agent_states
    where reason_code is not null
),

final as (
    select
        entity,
        reason_code,
        record_key,
        source_file,
        raw_record
    from rejected
)

select * from final

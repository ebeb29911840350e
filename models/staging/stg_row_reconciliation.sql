{{ config(materialized='table') }}

with

raw_crm__agents as (
    select
        'crm__agents' as entity,
        count(*) as raw_rows
    from {{ ref('base_crm__agents_parsed') }}
),

clean_crm__agents as (
    select
        'crm__agents' as entity,
        count(*) as clean_rows
    from {{ ref('stg_crm__agents') }}
),

flags_crm__agents as (
    select
        'crm__agents' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_crm__agents') }}
),

raw_crm__customers as (
    select
        'crm__customers' as entity,
        count(*) as raw_rows
    from {{ ref('base_crm__customers_parsed') }}
),

clean_crm__customers as (
    select
        'crm__customers' as entity,
        count(*) as clean_rows
    from {{ ref('stg_crm__customers') }}
),

flags_crm__customers as (
    select
        'crm__customers' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_crm__customers') }}
),

raw_crm__tickets as (
    select
        'crm__tickets' as entity,
        count(*) as raw_rows
    from {{ ref('base_crm__tickets_parsed') }}
),

clean_crm__tickets as (
    select
        'crm__tickets' as entity,
        count(*) as clean_rows
    from {{ ref('stg_crm__tickets') }}
),

flags_crm__tickets as (
    select
        'crm__tickets' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_crm__tickets') }}
),

raw_crm__orders as (
    select
        'crm__orders' as entity,
        count(*) as raw_rows
    from {{ ref('base_crm__orders_parsed') }}
),

clean_crm__orders as (
    select
        'crm__orders' as entity,
        count(*) as clean_rows
    from {{ ref('stg_crm__orders') }}
),

flags_crm__orders as (
    select
        'crm__orders' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_crm__orders') }}
),

raw_crm__qa_evaluations as (
    select
        'crm__qa_evaluations' as entity,
        count(*) as raw_rows
    from {{ ref('base_crm__qa_evaluations_parsed') }}
),

clean_crm__qa_evaluations as (
    select
        'crm__qa_evaluations' as entity,
        count(*) as clean_rows
    from {{ ref('stg_crm__qa_evaluations') }}
),

flags_crm__qa_evaluations as (
    select
        'crm__qa_evaluations' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_crm__qa_evaluations') }}
),

raw_telephony__calls as (
    select
        'telephony__calls' as entity,
        count(*) as raw_rows
    from {{ ref('base_telephony__calls_parsed') }}
),

clean_telephony__calls as (
    select
        'telephony__calls' as entity,
        count(*) as clean_rows
    from {{ ref('stg_telephony__calls') }}
),

flags_telephony__calls as (
    select
        'telephony__calls' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_telephony__calls') }}
),

raw_messaging__messages as (
    select
        'messaging__messages' as entity,
        count(*) as raw_rows
    from {{ ref('base_messaging__messages_parsed') }}
),

clean_messaging__messages as (
    select
        'messaging__messages' as entity,
        count(*) as clean_rows
    from {{ ref('stg_messaging__messages') }}
),

flags_messaging__messages as (
    select
        'messaging__messages' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_messaging__messages') }}
),

raw_survey__responses as (
    select
        'survey__responses' as entity,
        count(*) as raw_rows
    from {{ ref('base_survey__responses_parsed') }}
),

clean_survey__responses as (
    select
        'survey__responses' as entity,
        count(*) as clean_rows
    from {{ ref('stg_survey__responses') }}
),

flags_survey__responses as (
    select
        'survey__responses' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_survey__responses') }}
),

raw_wfm__schedules as (
    select
        'wfm__schedules' as entity,
        count(*) as raw_rows
    from {{ ref('base_wfm__schedules_parsed') }}
),

clean_wfm__schedules as (
    select
        'wfm__schedules' as entity,
        count(*) as clean_rows
    from {{ ref('stg_wfm__schedules') }}
),

flags_wfm__schedules as (
    select
        'wfm__schedules' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_wfm__schedules') }}
),

raw_wfm__agent_states as (
    select
        'wfm__agent_states' as entity,
        count(*) as raw_rows
    from {{ ref('base_wfm__agent_states_parsed') }}
),

clean_wfm__agent_states as (
    select
        'wfm__agent_states' as entity,
        count(*) as clean_rows
    from {{ ref('stg_wfm__agent_states') }}
),

flags_wfm__agent_states as (
    select
        'wfm__agent_states' as entity,
        cast(coalesce(sum(duplicate_copies), 0) as bigint) as duplicate_rows,
        count(case when is_superseded then 1 end) as superseded_rows
    from {{ ref('base_wfm__agent_states') }}
),

rejected as (
    select
        entity,
        count(*) as rejected_rows
    from {{ ref('stg_rejected_rows') }}
    group by entity
),

counted as (
    select
        raw_crm__agents.entity,
        raw_crm__agents.raw_rows,
        clean_crm__agents.clean_rows,
        flags_crm__agents.duplicate_rows,
        flags_crm__agents.superseded_rows
    from raw_crm__agents
    cross join clean_crm__agents
    cross join flags_crm__agents

    union all

    select
        raw_crm__customers.entity,
        raw_crm__customers.raw_rows,
        clean_crm__customers.clean_rows,
        flags_crm__customers.duplicate_rows,
        flags_crm__customers.superseded_rows
    from raw_crm__customers
    cross join clean_crm__customers
    cross join flags_crm__customers

    union all

    select
        raw_crm__tickets.entity,
        raw_crm__tickets.raw_rows,
        clean_crm__tickets.clean_rows,
        flags_crm__tickets.duplicate_rows,
        flags_crm__tickets.superseded_rows
    from raw_crm__tickets
    cross join clean_crm__tickets
    cross join flags_crm__tickets

    union all

    select
        raw_crm__orders.entity,
        raw_crm__orders.raw_rows,
        clean_crm__orders.clean_rows,
        flags_crm__orders.duplicate_rows,
        flags_crm__orders.superseded_rows
    from raw_crm__orders
    cross join clean_crm__orders
    cross join flags_crm__orders

    union all

    select
        raw_crm__qa_evaluations.entity,
        raw_crm__qa_evaluations.raw_rows,
        clean_crm__qa_evaluations.clean_rows,
        flags_crm__qa_evaluations.duplicate_rows,
        flags_crm__qa_evaluations.superseded_rows
    from raw_crm__qa_evaluations
    cross join clean_crm__qa_evaluations
    cross join flags_crm__qa_evaluations

    union all

    select
        raw_telephony__calls.entity,
        raw_telephony__calls.raw_rows,
        clean_telephony__calls.clean_rows,
        flags_telephony__calls.duplicate_rows,
        flags_telephony__calls.superseded_rows
    from raw_telephony__calls
    cross join clean_telephony__calls
    cross join flags_telephony__calls

    union all

    select
        raw_messaging__messages.entity,
        raw_messaging__messages.raw_rows,
        clean_messaging__messages.clean_rows,
        flags_messaging__messages.duplicate_rows,
        flags_messaging__messages.superseded_rows
    from raw_messaging__messages
    cross join clean_messaging__messages
    cross join flags_messaging__messages

    union all

    select
        raw_survey__responses.entity,
        raw_survey__responses.raw_rows,
        clean_survey__responses.clean_rows,
        flags_survey__responses.duplicate_rows,
        flags_survey__responses.superseded_rows
    from raw_survey__responses
    cross join clean_survey__responses
    cross join flags_survey__responses

    union all

    select
        raw_wfm__schedules.entity,
        raw_wfm__schedules.raw_rows,
        clean_wfm__schedules.clean_rows,
        flags_wfm__schedules.duplicate_rows,
        flags_wfm__schedules.superseded_rows
    from raw_wfm__schedules
    cross join clean_wfm__schedules
    cross join flags_wfm__schedules

    union all

    select
        raw_wfm__agent_states.entity,
        raw_wfm__agent_states.raw_rows,
        clean_wfm__agent_states.clean_rows,
        flags_wfm__agent_states.duplicate_rows,
        flags_wfm__agent_states.superseded_rows
    from raw_wfm__agent_states
    cross join clean_wfm__agent_states
    cross join flags_wfm__agent_states
),

final as (
    select
        counted.entity,
        counted.raw_rows,
        counted.clean_rows,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        counted.duplicate_rows,
        counted.superseded_rows
    from counted
    left join rejected
        on counted.entity = rejected.entity
)

select * from final

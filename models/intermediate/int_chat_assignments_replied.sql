{{ config(
    materialized='incremental',
    incremental_strategy='replace_window',
    window_column='activity_date',
    window_kind='date',
    on_schema_change='fail',
) }}

with

events as (
    select * from {{ ref('int_messages_sessionized') }}
),

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

assignments as (
    select distinct
        conversation_id,
        agent_id
    from events
    where
        event = 'assign'
        and agent_id is not null
),

agent_senders as (
    select distinct
        conversation_id,
        agent_id
    from events
    where
        event = 'message'
        and sender_type = 'agent'
        and agent_id is not null
),

final as (
    select
        assignments.conversation_id,
        assignments.agent_id,
        conversations.activity_date,
        agent_senders.agent_id is not null as has_replied
    from assignments
    inner join conversations
        on assignments.conversation_id = conversations.conversation_id
    left join agent_senders
        on
            assignments.conversation_id = agent_senders.conversation_id
            and assignments.agent_id = agent_senders.agent_id
)

select * from final
{%- if is_incremental() %}
-- incremental: only the rows of the load window (macros/incremental.sql)
where {{ load_window_predicate() }}
{%- endif %}
-- depends_on: {{ ref('int_load_window') }}

{{ config(materialized='view', window_column='activity_date') }}

{#- Agent-day chat measures: the conversations an agent owned (handle time,
    first responses, replies, messages) and the conversations routed to the
    agent (assigned, replied), each on the conversation's reporting day. -#}

with

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

chat_assignments as (
    select * from {{ ref('int_chat_assignments_replied') }}
),

owned as (
    select
        owner_agent_id as agent_id,
        activity_date,
        count(*) as chats_handled,
        sum(handle_s) as chat_handle_s_sum,
        count(case when has_first_response then 1 end) as first_responses,
        sum(case when has_first_response then first_response_s end) as first_response_s_sum,
        count(
            case when has_first_response and first_response_s > {{ var('slow_response_threshold_s') }} then 1 end
        ) as slow_first_responses,
        sum(replies) as responses,
        sum(response_s_sum) as response_s_sum,
        sum(agent_messages) as agent_messages,
        sum(customer_messages) as customer_messages
    from conversations
    where
        is_handled
        and owner_agent_id is not null
    group by owner_agent_id, activity_date
),

assigned as (
    select
        agent_id,
        activity_date,
        count(*) as chats_assigned,
        count(case when has_replied then 1 end) as chats_replied
    from chat_assignments
    where agent_id is not null
    group by agent_id, activity_date
),

{{ agent_days_joined([
    ('owned', ['chats_handled', 'chat_handle_s_sum', 'first_responses', 'first_response_s_sum', 'slow_first_responses', 'responses', 'response_s_sum', 'agent_messages', 'customer_messages']),
    ('assigned', ['chats_assigned', 'chats_replied']),
]) }}

select * from final

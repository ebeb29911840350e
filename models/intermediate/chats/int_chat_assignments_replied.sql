{{ load_window_config('activity_date') }}

with

events as (
    -- every event of a conversation carries its conversation_started_at
    select * from {{ ref('int_messages_sessionized') }}
    {{- load_window_input_filter('conversation_started_at', kind='timestamp') }}
),

conversations as (
    select * from {{ ref('int_conversations_measured') }}
    {{- load_window_input_filter('activity_date') }}
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
{{ load_window_filter() }}

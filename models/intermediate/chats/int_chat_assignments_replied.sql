{{ load_window_config('activity_date', entities=['messaging__messages']) }}

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
    -- one pass over the agents' events: the (conversation, agent) pairs with
    -- an assign event, and whether the agent sent a message in it
    select
        conversation_id,
        agent_id,
        count(case when event = 'message' and sender_type = 'agent' then 1 end) > 0 as has_replied
    from events
    where
        agent_id is not null
        and (event = 'assign' or (event = 'message' and sender_type = 'agent'))
    group by conversation_id, agent_id
    having count(case when event = 'assign' then 1 end) > 0
),

final as (
    select
        assignments.conversation_id,
        assignments.agent_id,
        conversations.activity_date,
        assignments.has_replied
    from assignments
    inner join conversations
        on assignments.conversation_id = conversations.conversation_id
)

select * from final
{{ load_window_filter() }}

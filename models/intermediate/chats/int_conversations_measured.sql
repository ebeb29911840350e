{#- activity_date is reporting_date(started_at), so it places a row in the
    load window exactly as started_at does: the partition column on Spark -#}
{{ load_window_config('started_at', kind='timestamp', partition_column='activity_date', entities=['messaging__messages']) }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['conversation_id', 'contact_id', 'source_ref']) }}

with

events as {{ cte_inlined() }} (
    -- every event of a conversation carries its conversation_started_at
    -- (read once per use below, not copied first: macros/ctes.sql)
    select * from {{ ref('int_messages_sessionized') }}
    {{- load_window_input_filter('conversation_started_at', kind='timestamp') }}
),

message_events as (
    -- chat measures use `message` events only; `assign` and `close` do not
    -- enter them. msg_seq orders the message events of a conversation.
    -- event_seq is the event's place in its conversation's (sent_at,
    -- message_id) order (int_messages_sessionized): one integer sorts
    -- cheaper than the pair (a year: 9.3-11.4 -> 8.4-10.0 s of CPU)
    select
        *,
        row_number() over (
            partition by conversation_id
            order by event_seq
        ) as msg_seq,
        coalesce(sum(case when sender_type = 'agent' then 1 else 0 end) over (
            partition by conversation_id
            order by event_seq
            rows between unbounded preceding and 1 preceding
        ), 0) as agent_messages_before,
        lag(sent_at) over (
            partition by conversation_id
            order by event_seq
        ) as previous_sent_at
    from events
    where event = 'message'
),

conversation_bounds as (
    select
        conversation_id,
        min(channel) as channel,
        min(customer_id) as customer_id,
        min(first_message_id) as source_ref,
        min(sent_at) as started_at,
        max(sent_at) as ended_at,
        count(case when event = 'close' then 1 end) > 0 as is_closed
    from events
    group by conversation_id
),

ticket_events_ranked as (
    select
        conversation_id,
        ticket_id,
        row_number() over (
            partition by conversation_id
            order by event_seq desc
        ) as ticket_rank
    from events
    where ticket_id is not null
),

latest_tickets as (
    select
        conversation_id,
        ticket_id
    from ticket_events_ranked
    where ticket_rank = 1
),

message_counts as (
    select
        conversation_id,
        count(case when sender_type = 'agent' then 1 end) as agent_messages,
        count(case when sender_type = 'customer' then 1 end) as customer_messages,
        count(case when sender_type = 'bot' then 1 end) as bot_messages,
        min(case when sender_type = 'bot' then sent_at end) as first_bot_message_at,
        min(case when sender_type = 'agent' then sent_at end) as first_agent_message_at,
        min(case when msg_seq = 1 then sender_type end) as first_message_sender_type,
        min(case when msg_seq = 1 then sent_at end) as first_message_at,
        -- handle time: the message events after the first agent message (an
        -- agent message before them), each gap to the previous message event
        -- capped at chat_gap_cap_s
        sum(
            case
                when agent_messages_before >= 1
                    then least(
                        {{ seconds_between('previous_sent_at', 'sent_at') }},
                        {{ var('chat_gap_cap_s') }}
                    )
            end
        ) as handle_s
    from message_events
    group by conversation_id
),

agent_message_counts as (
    select
        conversation_id,
        agent_id,
        count(*) as messages_sent,
        min(msg_seq) as first_msg_seq
    from message_events
    where
        sender_type = 'agent'
        and agent_id is not null
    group by conversation_id, agent_id
),

agents_ranked as (
    -- most agent messages; a tie goes to the agent whose first message came first
    select
        conversation_id,
        agent_id,
        row_number() over (
            partition by conversation_id
            order by messages_sent desc, first_msg_seq asc
        ) as owner_rank
    from agent_message_counts
),

owners as (
    select
        conversation_id,
        agent_id as owner_agent_id
    from agents_ranked
    where owner_rank = 1
),

reply_runs as (
    -- the customer messages since the previous agent message, keyed by how
    -- many agent messages came before them, and the agent message that
    -- answers them: the next agent message has that many before it too (one
    -- per key)
    select
        conversation_id,
        agent_messages_before,
        min(case when sender_type = 'customer' then sent_at end) as run_started_at,
        min(case when sender_type = 'agent' then sent_at end) as answered_at
    from message_events
    group by conversation_id, agent_messages_before
),

replies as (
    -- an agent message answering one or more customer messages with no
    -- agent message between; timed from the first of those messages
    select
        conversation_id,
        count(*) as replies,
        sum({{ seconds_between('run_started_at', 'answered_at') }}) as response_s_sum
    from reply_runs
    where
        run_started_at is not null
        and answered_at is not null
    group by conversation_id
),

final as (
    select
        conversation_bounds.conversation_id,
        'chat-' || conversation_bounds.conversation_id as contact_id,
        conversation_bounds.channel,
        conversation_bounds.customer_id,
        conversation_bounds.source_ref,
        conversation_bounds.started_at,
        conversation_bounds.ended_at,
        {{ reporting_date('conversation_bounds.started_at') }} as activity_date,
        coalesce(message_counts.agent_messages, 0) > 0 as is_handled,
        owners.owner_agent_id,
        coalesce(
            message_counts.first_message_sender_type = 'customer'
            and message_counts.first_agent_message_at is not null,
            false
        ) as has_first_response,
        case
            when message_counts.first_message_sender_type = 'customer'
                then {{ seconds_between('message_counts.first_message_at', 'message_counts.first_agent_message_at') }}
        end as first_response_s,
        coalesce(replies.replies, 0) as replies,
        coalesce(replies.response_s_sum, 0) as response_s_sum,
        case
            when coalesce(message_counts.agent_messages, 0) > 0
                then coalesce(message_counts.handle_s, 0)
            else 0
        end as handle_s,
        coalesce(message_counts.agent_messages, 0) as agent_messages,
        coalesce(message_counts.customer_messages, 0) as customer_messages,
        coalesce(message_counts.bot_messages, 0) as bot_messages,
        conversation_bounds.is_closed,
        coalesce(message_counts.bot_messages, 0) > 0
        and coalesce(message_counts.agent_messages, 0) = 0
        and conversation_bounds.is_closed as is_bot_contained,
        coalesce(
            message_counts.first_bot_message_at <= message_counts.first_agent_message_at,
            false
        ) as is_bot_handover,
        latest_tickets.ticket_id
    from conversation_bounds
    left join message_counts
        on conversation_bounds.conversation_id = message_counts.conversation_id
    left join owners
        on conversation_bounds.conversation_id = owners.conversation_id
    left join replies
        on conversation_bounds.conversation_id = replies.conversation_id
    left join latest_tickets
        on conversation_bounds.conversation_id = latest_tickets.conversation_id
)

select * from final
{{ load_window_filter() }}

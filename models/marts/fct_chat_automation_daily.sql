{#- Chatbot containment and handover per chat channel and reporting day of
    the conversation's start (int_conversations_measured). -#}

with

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

channel_days as (
    select
        channel,
        activity_date,
        count(*) as conversations,
        count(case when is_handled then 1 end) as conversations_handled,
        count(case when bot_messages > 0 then 1 end) as bot_conversations,
        count(case when is_bot_contained then 1 end) as bot_contained,
        count(case when is_bot_handover then 1 end) as bot_handovers
    from conversations
    group by channel, activity_date
),

final as (
    select
        cast(channel as string) as channel,
        cast(activity_date as date) as activity_date,
        cast(conversations as bigint) as conversations,
        cast(conversations_handled as bigint) as conversations_handled,
        cast(bot_conversations as bigint) as bot_conversations,
        cast(bot_contained as bigint) as bot_contained,
        cast(bot_handovers as bigint) as bot_handovers,
        cast(bot_conversations - bot_contained - bot_handovers as bigint) as bot_unresolved,
        cast(bot_contained as double) / nullif(bot_conversations, 0) as bot_containment_rate,
        cast(bot_handovers as double) / nullif(bot_conversations, 0) as bot_handover_rate
    from channel_days
)

select * from final

with

messages as (
    select * from {{ ref('base_messaging__messages') }}
    where is_clean
),

final as (
    select
        -- ids
        message_id,

        -- strings
        channel,
        customer_id,
        sender_type,
        event,
        agent_id,

        -- timestamps
        sent_at,

        -- numerics
        char_count,

        -- ids
        ticket_id

    from messages
)

select * from final

{#- changed_keys: on a load, row-level tests look at the rows of keys the load
    changed (macros/incremental.sql, get_where_subquery) -#}
{{ config(changed_keys=['message_id']) }}

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

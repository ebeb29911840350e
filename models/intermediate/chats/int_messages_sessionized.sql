{{ load_window_config('conversation_started_at', kind='timestamp', entities=['messaging__messages']) }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['message_id']) }}

with

messages as (
    select * from {{ ref('stg_messaging__messages') }}
    {%- if is_incremental() %}
    -- incremental: the load window plus one session gap before it, enough to
    -- tell whether a message on or after the window start opens a
    -- conversation (conversations that start earlier are kept as they are)
    where sent_at >= {{ dbt.dateadd(
        'minute',
        -1 * var('session_gap_minutes'),
        reporting_midnight_utc("date '" ~ load_window_start_date() ~ "'"),
    ) }}
    {%- endif %}
),

messages_ordered as (
    -- pass 1 over the customer-channel order: the previous event, the row number
    select
        *,
        lag(sent_at) over customer_channel_order as previous_sent_at,
        lag(event) over customer_channel_order as previous_event,
        row_number() over customer_channel_order as channel_seq
    from messages
    window customer_channel_order as (
        partition by customer_id, channel
        order by sent_at, message_id
    )
),

session_starts_flagged as (
    select
        *,
        coalesce(
            previous_sent_at is null
            or previous_event = 'close'
            or {{ seconds_between('previous_sent_at', 'sent_at') }}
            > {{ var('session_gap_minutes') }} * 60,
            true
        ) as is_conversation_start
    from messages_ordered
),

first_messages as (
    -- pass 2, the same order: each event carries its conversation's start
    -- (the latest start at or before it): its id, first message, start time
    -- and position. The id is hashed at the start events only (one event in
    -- nine) and carried to the others: a year of chat events, 10.0 M md5s
    -- -> 1.1 M, the query 7.4 s -> 6.5-7.0 s. Ordered by channel_seq, the
    -- row number of pass 1 in this same order (message_id is unique, so the
    -- order is total): one integer sorts cheaper than (sent_at, message_id),
    -- 23.2 -> 20.5 s of CPU for the query at year scale
    select
        *,
        {{ last_value_ignoring_nulls(
            "case when is_conversation_start then "
            ~ dbt.hash("customer_id || '|' || channel || '|' || message_id") ~ " end"
        ) }}
            over customer_channel_so_far as conversation_id,
        {{ last_value_ignoring_nulls('case when is_conversation_start then message_id end') }}
            over customer_channel_so_far as first_message_id,
        {{ last_value_ignoring_nulls('case when is_conversation_start then sent_at end') }}
            over customer_channel_so_far as conversation_started_at,
        channel_seq + 1 - max(case when is_conversation_start then channel_seq end)
            over customer_channel_so_far as event_seq
    from session_starts_flagged
    window customer_channel_so_far as (
        partition by customer_id, channel
        order by channel_seq
        rows between unbounded preceding and current row
    )
),

final as (
    select
        message_id,
        conversation_id,
        event_seq,
        is_conversation_start,
        first_message_id,
        conversation_started_at,
        channel,
        customer_id,
        sender_type,
        event,
        agent_id,
        sent_at,
        char_count,
        ticket_id
    from first_messages
)

select * from final
{{ load_window_filter() }}

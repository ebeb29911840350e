{{ load_window_config('activity_date', entities=['telephony__calls']) }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['call_id']) }}

with

calls as {{ cte_inlined() }} (
    select * from {{ ref('stg_telephony__calls') }}
),

root_legs as (
    -- a contact is rooted at an inbound leg without a root of its own
    select call_id as root_call_id
    from calls
    where
        direction = 'inbound'
        and root_call_id is null
),

legs_rooted as (
    select
        calls.*,
        root_legs.root_call_id as contact_root_call_id
    from calls
    left join root_legs
        on coalesce(calls.root_call_id, calls.call_id) = root_legs.root_call_id
),

legs_timed as (
    select
        call_id,
        contact_root_call_id,
        direction,
        caller_phone_normalized,
        queue,
        agent_id,
        enqueued_at,
        answered_at,
        ended_at,
        {{ reporting_date('enqueued_at') }} as activity_date,
        answered_at is not null as is_answered,
        case
            when direction = 'inbound' and answered_at is not null
                then {{ seconds_between('enqueued_at', 'answered_at') }}
        end as wait_s,
        case
            when answered_at is not null
                then {{ seconds_between('answered_at', 'ended_at') }}
        end as talk_s,
        hold_s,
        acw_s,
        case
            when direction = 'inbound' and disposition = 'abandoned'
                then {{ seconds_between('enqueued_at', 'ended_at') }}
            when direction = 'inbound'
                then {{ seconds_between('enqueued_at', 'coalesce(answered_at, ended_at)') }}
        end as queue_time_s,
        disposition,
        ticket_id
    from legs_rooted
),

final as (
    select
        call_id,
        contact_root_call_id,
        direction,
        caller_phone_normalized,
        queue,
        agent_id,
        enqueued_at,
        answered_at,
        ended_at,
        activity_date,
        is_answered,
        wait_s,
        talk_s,
        hold_s,
        acw_s,
        talk_s + coalesce(acw_s, 0) as handle_s,
        queue_time_s,
        disposition,
        coalesce(
            direction = 'inbound'
            and disposition = 'abandoned'
            and queue_time_s >= {{ var('short_abandon_s') }},
            false
        ) as is_abandoned,
        coalesce(
            direction = 'inbound'
            and disposition = 'abandoned'
            and queue_time_s < {{ var('short_abandon_s') }},
            false
        ) as is_short_abandon,
        ticket_id
    from legs_timed
)

select * from final
{{ load_window_filter() }}

{#- changed_keys: on a load, row-level tests look at the rows of keys the load
    changed (macros/incremental.sql, get_where_subquery) -#}
{{ config(changed_keys=['call_id']) }}

with

calls as (
    select * from {{ ref('base_telephony__calls') }}
    where is_clean
),

final as (
    select
        -- ids
        call_id,
        root_call_id,

        -- strings
        direction,
        caller_number,
        caller_phone_normalized,
        queue,
        agent_id,

        -- timestamps
        enqueued_at,
        answered_at,
        ended_at,

        -- numerics
        hold_s,
        acw_s,

        -- strings
        disposition,
        ticket_id

    from calls
)

select * from final

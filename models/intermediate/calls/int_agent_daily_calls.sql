{{ config(materialized='view') }}

{#- Agent-day call measures: the call legs an agent answered or dialled, on
    the reporting day of the leg's enqueue (outbound: dial) time. A view:
    fct_agent_daily reads it within its load window. -#}

with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

final as (
    select
        agent_id,
        activity_date,
        count(case when direction = 'inbound' and is_answered then 1 end) as calls_answered,
        count(case when direction = 'outbound' then 1 end) as outbound_calls,
        sum(case when direction = 'inbound' and is_answered then wait_s end) as answer_wait_s_sum,
        sum(case when direction = 'inbound' and is_answered then hold_s end) as hold_s_sum,
        sum(case when direction = 'inbound' and is_answered then handle_s end) as call_handle_s_sum
    from call_legs
    where agent_id is not null
    group by agent_id, activity_date
)

select * from final

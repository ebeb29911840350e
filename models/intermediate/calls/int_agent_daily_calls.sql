{{ config(materialized='view', window_column='activity_date') }}

{#- Agent-day call measures: the call legs an agent answered or dialled, on
    the reporting day of the leg's enqueue (outbound: dial) time, with holds
    and transfers out; and the transferred call contacts the agent owned, on
    the contact's day. A view: fct_agent_daily reads it within its load
    window. -#}

with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

call_contacts as (
    select * from {{ ref('int_call_contacts_assembled') }}
),

legs_ranked as (
    select
        *,
        {{ last_answered_leg_rank() }} as answered_rank_desc
    from call_legs
),

legs as (
    select
        agent_id,
        activity_date,
        count(case when direction = 'inbound' and is_answered then 1 end) as calls_answered,
        count(case when direction = 'outbound' then 1 end) as outbound_calls,
        sum(case when direction = 'inbound' and is_answered then wait_s end) as answer_wait_s_sum,
        sum(case when direction = 'inbound' and is_answered then hold_s end) as hold_s_sum,
        count(case when direction = 'inbound' and is_answered and hold_s > 0 then 1 end) as held_calls,
        count(case when direction = 'inbound' and is_answered and answered_rank_desc > 1 then 1 end) as transfers_out,
        sum(case when direction = 'inbound' and is_answered then handle_s end) as call_handle_s_sum
    from legs_ranked
    where agent_id is not null
    group by agent_id, activity_date
),

owned_contacts as (
    select
        owner_agent_id as agent_id,
        activity_date,
        count(case when answered_legs > 1 then 1 end) as transferred_contacts
    from call_contacts
    where owner_agent_id is not null
    group by owner_agent_id, activity_date
),

{{ agent_days_joined([
    ('legs', ['calls_answered', 'outbound_calls', 'answer_wait_s_sum', 'hold_s_sum', 'held_calls', 'transfers_out', 'call_handle_s_sum']),
    ('owned_contacts', ['transferred_contacts']),
]) }}

select * from final

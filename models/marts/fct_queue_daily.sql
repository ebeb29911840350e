{#- Telephony service level per queue and reporting day of `enqueued_at`.
    Every inbound leg (a transfer's second leg included) is offered once in
    its own queue; a transferred contact counts on its root leg's queue and
    day. Measures and KPI columns come from the KPI catalogue
    (macros/kpis/kpi_catalogue.sql). -#}
with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

call_contacts as (
    select * from {{ ref('int_call_contacts_assembled') }}
),

inbound_legs as (
    select
        queue,
        activity_date,
        is_answered,
        wait_s,
        hold_s,
        is_abandoned,
        is_short_abandon,
        {{ last_answered_leg_rank() }} as answered_rank_desc
    from call_legs
    where direction = 'inbound'
),

transferred as (
    select
        queue,
        activity_date,
        count(*) as transferred_contacts
    from call_contacts
    where answered_legs > 1
    group by queue, activity_date
),

sums as (
    select
        queue,
        activity_date,
        count(*) as offered,
        count(case when is_answered then 1 end) as answered,
        count(
            case when is_answered and wait_s <= {{ var('service_level_s') }} then 1 end
        ) as answered_within_sl,
        count(case when is_abandoned then 1 end) as abandoned,
        count(case when is_short_abandon then 1 end) as short_abandons,
        coalesce(sum(case when is_answered then wait_s end), 0) as answer_wait_s_sum,
        coalesce(sum(case when is_answered then hold_s end), 0) as hold_s_sum,
        count(case when is_answered and hold_s > 0 then 1 end) as held_calls,
        count(case when is_answered and answered_rank_desc > 1 then 1 end) as transfers_out
    from inbound_legs
    group by queue, activity_date
),

queue_days as (
    select
        sums.*,
        coalesce(transferred.transferred_contacts, 0) as transferred_contacts
    from sums
    left join transferred
        on
            sums.queue = transferred.queue
            and sums.activity_date = transferred.activity_date
),

final as (
    select
        queue,
        cast(activity_date as date) as activity_date,
        {{- kpi_fact_columns('queue_day') }}
    from queue_days
)

select * from final

{#- Telephony service level per queue and reporting day of `enqueued_at`.
    Every inbound leg (a transfer's second leg included) is offered once in
    its own queue. Measures and KPI columns come from the KPI catalogue
    (macros/kpis/kpi_catalogue.sql). -#}
with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

inbound_legs as (
    select
        queue,
        activity_date,
        is_answered,
        wait_s,
        is_abandoned,
        is_short_abandon
    from call_legs
    where direction = 'inbound'
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
        coalesce(sum(case when is_answered then wait_s end), 0) as answer_wait_s_sum
    from inbound_legs
    group by queue, activity_date
),

final as (
    select
        queue,
        cast(activity_date as date) as activity_date,
        {{- kpi_fact_columns('queue_day') }}
    from sums
)

select * from final

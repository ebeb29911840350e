{#- Telephony per queue and reporting interval (interval_minutes, default 30):
    every inbound leg is offered once in its own queue, in the interval of
    its own enqueued_at (for a contact's first leg, the root leg's); a
    transferred contact counts in its root leg's queue and interval. The
    measures and KPIs are the queue-day ones (KPI catalogue, `queue_day`), so
    fct_queue_daily is this table summed over the intervals of a day. -#}
{{ load_window_config('activity_date') }}

with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
    {{- load_window_input_filter('activity_date') }}
),

call_contacts as (
    select * from {{ ref('int_call_contacts_assembled') }}
    {{- load_window_input_filter('activity_date') }}
),

inbound_legs as (
    select
        queue,
        {{ interval_start_utc('enqueued_at') }} as interval_start_utc,
        is_answered,
        wait_s,
        handle_s,
        hold_s,
        is_abandoned,
        is_short_abandon,
        {{ last_answered_leg_rank() }} as answered_rank_desc
    from call_legs
    where direction = 'inbound'
),

transferred_contacts as (
    select
        queue,
        {{ interval_start_utc('started_at') }} as interval_start_utc
    from call_contacts
    where answered_legs > 1
),

transferred as (
    select
        queue,
        interval_start_utc,
        count(*) as transferred_contacts
    from transferred_contacts
    group by queue, interval_start_utc
),

sums as (
    select
        queue,
        interval_start_utc,
        count(*) as offered,
        count(case when is_answered then 1 end) as answered,
        count(
            case when is_answered and wait_s <= {{ var('service_level_s') }} then 1 end
        ) as answered_within_sl,
        count(case when is_abandoned then 1 end) as abandoned,
        count(case when is_short_abandon then 1 end) as short_abandons,
        coalesce(sum(case when is_answered then wait_s end), 0) as answer_wait_s_sum,
        coalesce(sum(case when is_answered then handle_s end), 0) as handle_s_sum,
        coalesce(sum(case when is_answered then hold_s end), 0) as hold_s_sum,
        count(case when is_answered and hold_s > 0 then 1 end) as held_calls,
        count(case when is_answered and answered_rank_desc > 1 then 1 end) as transfers_out
    from inbound_legs
    group by queue, interval_start_utc
),

queue_intervals as (
    select
        sums.*,
        coalesce(transferred.transferred_contacts, 0) as transferred_contacts,
        {{ utc_to_reporting('sums.interval_start_utc') }} as interval_start_local
    from sums
    left join transferred
        on
            sums.queue = transferred.queue
            and sums.interval_start_utc = transferred.interval_start_utc
),

final as (
    select
        queue,
        cast(interval_start_local as date) as activity_date,
        cast(interval_start_local as timestamp) as interval_start_local,
        cast(interval_start_utc as timestamp) as interval_start_utc,
        cast({{ add_seconds('interval_start_utc', interval_seconds()) }} as timestamp) as interval_end_utc,
        {{- kpi_fact_columns('queue_day') }}
    from queue_intervals
)

select * from final
{{ load_window_filter() }}

{#- Telephony service level per queue and reporting day of `enqueued_at`:
    fct_queue_interval summed over the intervals of the day (a reporting day
    is a whole number of intervals). Every inbound leg (a transfer's second
    leg included) is offered once in its own queue; a transferred contact
    counts on its root leg's queue and day. Measures and KPI columns come
    from the KPI catalogue (macros/kpis/kpi_catalogue.sql). -#}
{{ load_window_config('activity_date') }}

with

queue_intervals as (
    select * from {{ ref('fct_queue_interval') }}
    {{- load_window_input_filter('activity_date') }}
),

queue_days as (
    select
        queue,
        activity_date,
        {{- kpi_measure_sums('queue_day') }}
    from queue_intervals
    group by queue, activity_date
),

final as (
    select
        queue,
        cast(activity_date as date) as activity_date,
        {{- kpi_fact_columns('queue_day') }}
    from queue_days
)

select * from final
{{ load_window_filter() }}

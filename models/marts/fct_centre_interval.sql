{#- Centre-wide telephony and staffing per reporting interval: the queue
    measures of fct_queue_interval summed over the queues, the agents logged
    in, available and productive (average over the interval, from the state
    log), and the agents Erlang C says the interval's offered load needed to
    answer service_level_target of the calls within service_level_s. The
    formula is in fct_centre_interval.yml and unit-tested against published
    Erlang C tables. -#}
{{ load_window_config('activity_date') }}

{%- set interval_s = interval_seconds() %}

with

queue_intervals as (
    select * from {{ ref('fct_queue_interval') }}
    {{- load_window_input_filter('activity_date') }}
),

staffing as (
    select * from {{ ref('int_interval_staffing') }}
    {{- load_window_input_filter('activity_date') }}
),

calls as (
    select
        interval_start_utc,
        {{- kpi_measure_sums('queue_day') }}
    from queue_intervals
    group by interval_start_utc
),

centre_intervals as (
    select
        coalesce(calls.interval_start_utc, staffing.interval_start_utc) as interval_start_utc,
        {%- for entry in kpi_measures('queue_day') %}
        coalesce(calls.{{ entry['measure'] }}, 0) as {{ entry['measure'] }},
        {%- endfor %}
        coalesce(staffing.logged_in_s, 0) as logged_in_s,
        coalesce(staffing.available_s, 0) as available_s,
        coalesce(staffing.productive_s, 0) as productive_s
    from calls
    full outer join staffing
        on calls.interval_start_utc = staffing.interval_start_utc
),

loads as (
    -- traffic (Erlangs) = offered calls x AHT / interval length; AHT from
    -- the interval's answered legs (unknown when none was answered)
    select
        *,
        handle_s_sum / nullif(answered, 0) as erlang_aht_s,
        case
            when offered = 0 then 0.0
            else offered * (handle_s_sum / nullif(answered, 0)) / {{ interval_s }}
        end as traffic_erlangs,
        cast(floor(productive_s / {{ interval_s }}) as bigint) as staffed_agents
    from centre_intervals
),

erlang_terms as (
    -- k = 0 .. enough agents: a + 10 sqrt(a) + 10 always reaches any target
    -- below 1 (and the staffed agents, to score them)
    select
        loads.interval_start_utc,
        loads.traffic_erlangs as traffic,
        loads.erlang_aht_s as aht_s,
        loads.staffed_agents,
        agent_series.n as agents
    from loads
    cross join {{ integer_series(
        '0',
        'greatest(ceil(loads.traffic_erlangs + 10 * sqrt(loads.traffic_erlangs) + 10), loads.staffed_agents)'
    ) }} as agent_series
    where loads.traffic_erlangs > 0
),

poisson_log_terms as (
    -- ln(a^k / k!) as a running sum of ln(a) - ln(j), j = 1..k
    select
        *,
        sum(case when agents = 0 then 0.0 else ln(traffic) - ln(agents) end) over (
            partition by interval_start_utc
            order by agents
            rows between unbounded preceding and current row
        ) as log_term
    from erlang_terms
),

poisson_terms as (
    -- a^k / k!, scaled by its largest value (no overflow at any traffic)
    select
        *,
        exp(log_term - max(log_term) over (partition by interval_start_utc)) as term
    from poisson_log_terms
),

erlang_b as (
    -- Erlang B(N, a) = (a^N / N!) / sum over k <= N of a^k / k!
    select
        *,
        term / sum(term) over (
            partition by interval_start_utc
            order by agents
            rows between unbounded preceding and current row
        ) as blocking
    from poisson_terms
),

erlang_c as (
    -- Erlang C(N, a) = N B / (N - a (1 - B)), for N > a; service level
    -- SL(N) = 1 - C exp(-(N - a) service_level_s / AHT)
    select
        interval_start_utc,
        agents,
        staffed_agents,
        agents * blocking / (agents - traffic * (1 - blocking)) as wait_probability,
        1 - agents * blocking / (agents - traffic * (1 - blocking))
        * exp(-(agents - traffic) * {{ var('service_level_s') }} / aht_s) as predicted_service_level
    from erlang_b
    where agents > traffic
),

erlang as (
    select
        interval_start_utc,
        min(
            case when predicted_service_level >= {{ var('service_level_target') }} then agents end
        ) as agents_required,
        max(case when agents = staffed_agents then wait_probability end) as erlang_wait_probability,
        max(case when agents = staffed_agents then predicted_service_level end) as erlang_service_level
    from erlang_c
    group by interval_start_utc
),

final as (
    select
        cast({{ reporting_date('loads.interval_start_utc') }} as date) as activity_date,
        cast({{ utc_to_reporting('loads.interval_start_utc') }} as timestamp) as interval_start_local,
        cast(loads.interval_start_utc as timestamp) as interval_start_utc,
        cast({{ add_seconds('loads.interval_start_utc', interval_s) }} as timestamp) as interval_end_utc,
        {%- for entry in kpi_entries('queue_day') if entry.get('column', true) %}
        {%- if entry.get('measure') %}
        cast(loads.{{ entry['measure'] }} as {{ entry['type'] }}) as {{ entry['measure'] }},
        {%- else %}
        {{ kpi_ratio_sql(entry) }} as {{ entry['kpi'] }},
        {%- endif %}
        {%- endfor %}
        cast(loads.logged_in_s as double) as logged_in_s,
        cast(loads.available_s as double) as available_s,
        cast(loads.productive_s as double) as productive_s,
        loads.logged_in_s / {{ interval_s }} as avg_agents_logged_in,
        loads.available_s / {{ interval_s }} as avg_agents_available,
        loads.productive_s / {{ interval_s }} as avg_agents_productive,
        cast(loads.traffic_erlangs as double) as traffic_erlangs,
        cast(case when loads.traffic_erlangs = 0 then 0 else erlang.agents_required end as bigint)
            as agents_required,
        loads.productive_s / {{ interval_s }}
        - case when loads.traffic_erlangs = 0 then 0 else erlang.agents_required end as staffing_gap,
        round(erlang.erlang_wait_probability, 4) as erlang_wait_probability,
        round(erlang.erlang_service_level, 4) as erlang_service_level
    from loads
    left join erlang
        on loads.interval_start_utc = erlang.interval_start_utc
)

select * from final
{{ load_window_filter() }}

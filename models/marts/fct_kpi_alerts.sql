{#- One row per breached KPI target: each agent-, team- and queue-day rate is
    compared with its target in the `kpi_targets` seed. A rate whose
    denominator (`volume`) is below var `alert_min_volume`, or that is null,
    never raises an alert. -#}
{#- metric -> denominator expression (the volume the rate is computed over) -#}
{%- set people_metrics = {
    'avg_first_response_s': 'first_responses',
    'avg_response_s': 'responses',
    'aht_s': 'calls_answered + chats_handled',
    'asa_s': 'calls_answered',
    'reply_rate': 'chats_assigned',
    'avg_resolution_s': 'tickets_solved',
    'csat_avg': 'csat_responses',
    'csat_pct': 'csat_responses',
    'negative_review_rate': 'contacts_owned',
    'nps': 'nps_responses',
    'complaint_rate': 'contacts_owned',
    'qa_score_avg': 'qa_evaluations',
    'fcr_rate': 'fcr_eligible_contacts',
    'repeat_contact_rate': 'fcr_eligible_contacts',
    'adherence_rate': 'scheduled_s',
    'occupancy_rate': 'available_s + on_contact_s + acw_s',
    'attendance_rate': 'shifts_started',
    'punctuality_rate': 'shifts_attended',
} -%}
{%- set queue_metrics = {
    'service_level': 'offered - short_abandons',
    'abandonment_rate': 'offered - short_abandons',
    'asa_s': 'answered',
} -%}

with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

team_daily as (
    select * from {{ ref('fct_team_daily') }}
),

queue_daily as (
    select * from {{ ref('fct_queue_daily') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

kpi_values as (
    {%- for metric, volume in people_metrics.items() %}
        select
            'agent' as scope,
            agent_id as scope_id,
            activity_date,
            '{{ metric }}' as metric,
            cast({{ metric }} as double) as actual_value,
            cast({{ volume }} as double) as volume
        from agent_daily
        union all
        select
            'team' as scope,
            team as scope_id,
            activity_date,
            '{{ metric }}' as metric,
            cast({{ metric }} as double) as actual_value,
            cast({{ volume }} as double) as volume
        from team_daily
        union all
    {%- endfor %}
    {%- for metric, volume in queue_metrics.items() %}
        select
            'queue' as scope,
            queue as scope_id,
            activity_date,
            '{{ metric }}' as metric,
            cast({{ metric }} as double) as actual_value,
            cast({{ volume }} as double) as volume
        from queue_daily
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

breaches as (
    select
        kpi_values.scope,
        kpi_values.scope_id,
        kpi_values.activity_date,
        kpi_values.metric,
        kpi_values.actual_value,
        kpi_targets.threshold,
        kpi_targets.direction,
        kpi_targets.severity,
        kpi_values.volume
    from kpi_values
    inner join kpi_targets
        on
            kpi_values.metric = kpi_targets.metric
            and kpi_values.scope = kpi_targets.scope
    where kpi_values.actual_value is not null
        and kpi_values.scope_id is not null
        and kpi_values.volume >= {{ var('alert_min_volume') }}
        and (
            (kpi_targets.direction = 'min' and kpi_values.actual_value < kpi_targets.threshold)
            or (kpi_targets.direction = 'max' and kpi_values.actual_value > kpi_targets.threshold)
        )
),

final as (
    select
        scope,
        scope_id,
        cast(activity_date as date) as activity_date,
        metric,
        actual_value,
        threshold,
        direction,
        severity,
        volume,
        actual_value - threshold as gap_to_threshold
    from breaches
)

select * from final

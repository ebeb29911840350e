{#- One row per breached KPI target: each agent-, team- and queue-day rate is
    compared with its target in the `kpi_targets` seed. `volume` is the rate's
    denominator; a rate whose volume is below var `alert_min_volume`, or that
    is null, never raises an alert. A seed metric without a branch in the
    `case` expressions below yields no alert (the seed's accepted_values test
    lists the supported metrics). -#}

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

people_daily as (
    {#- the same measures for both scopes: one list, one select per scope -#}
    {%- set measures = [
        'avg_first_response_s',
        'avg_response_s',
        'aht_s',
        'asa_s',
        'reply_rate',
        'avg_resolution_s',
        'csat_avg',
        'csat_pct',
        'negative_review_rate',
        'nps',
        'complaint_rate',
        'qa_score_avg',
        'fcr_rate',
        'repeat_contact_rate',
        'adherence_rate',
        'occupancy_rate',
        'attendance_rate',
        'punctuality_rate',
        'first_responses',
        'responses',
        'calls_answered',
        'chats_handled',
        'chats_assigned',
        'tickets_solved',
        'csat_responses',
        'contacts_owned',
        'nps_responses',
        'qa_evaluations',
        'fcr_eligible_contacts',
        'scheduled_s',
        'available_s',
        'on_contact_s',
        'acw_s',
        'shifts_started',
        'shifts_attended'
    ] %}
    {%- for scope, scope_id, relation in [('agent', 'agent_id', 'agent_daily'), ('team', 'team', 'team_daily')] %}
    select
        '{{ scope }}' as scope,
        {{ scope_id }} as scope_id,
        {%- for measure in measures %}
        {{ measure }},
        {%- endfor %}
        activity_date
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

people_targets as (
    select
        metric,
        scope,
        direction,
        threshold,
        severity
    from kpi_targets
    where scope in ('agent', 'team')
),

queue_targets as (
    select
        metric,
        scope,
        direction,
        threshold,
        severity
    from kpi_targets
    where scope = 'queue'
),

people_values as (
    select
        people_daily.scope,
        people_daily.scope_id,
        people_daily.activity_date,
        people_targets.metric,
        people_targets.direction,
        people_targets.threshold,
        people_targets.severity,
        case people_targets.metric
            when 'avg_first_response_s' then cast(people_daily.avg_first_response_s as double)
            when 'avg_response_s' then cast(people_daily.avg_response_s as double)
            when 'aht_s' then cast(people_daily.aht_s as double)
            when 'asa_s' then cast(people_daily.asa_s as double)
            when 'reply_rate' then cast(people_daily.reply_rate as double)
            when 'avg_resolution_s' then cast(people_daily.avg_resolution_s as double)
            when 'csat_avg' then cast(people_daily.csat_avg as double)
            when 'csat_pct' then cast(people_daily.csat_pct as double)
            when 'negative_review_rate' then cast(people_daily.negative_review_rate as double)
            when 'nps' then cast(people_daily.nps as double)
            when 'complaint_rate' then cast(people_daily.complaint_rate as double)
            when 'qa_score_avg' then cast(people_daily.qa_score_avg as double)
            when 'fcr_rate' then cast(people_daily.fcr_rate as double)
            when 'repeat_contact_rate' then cast(people_daily.repeat_contact_rate as double)
            when 'adherence_rate' then cast(people_daily.adherence_rate as double)
            when 'occupancy_rate' then cast(people_daily.occupancy_rate as double)
            when 'attendance_rate' then cast(people_daily.attendance_rate as double)
            when 'punctuality_rate' then cast(people_daily.punctuality_rate as double)
        end as actual_value,
        case people_targets.metric
            when 'avg_first_response_s' then cast(people_daily.first_responses as double)
            when 'avg_response_s' then cast(people_daily.responses as double)
            when 'aht_s' then cast(people_daily.calls_answered + people_daily.chats_handled as double)
            when 'asa_s' then cast(people_daily.calls_answered as double)
            when 'reply_rate' then cast(people_daily.chats_assigned as double)
            when 'avg_resolution_s' then cast(people_daily.tickets_solved as double)
            when 'csat_avg' then cast(people_daily.csat_responses as double)
            when 'csat_pct' then cast(people_daily.csat_responses as double)
            when 'negative_review_rate' then cast(people_daily.contacts_owned as double)
            when 'nps' then cast(people_daily.nps_responses as double)
            when 'complaint_rate' then cast(people_daily.contacts_owned as double)
            when 'qa_score_avg' then cast(people_daily.qa_evaluations as double)
            when 'fcr_rate' then cast(people_daily.fcr_eligible_contacts as double)
            when 'repeat_contact_rate' then cast(people_daily.fcr_eligible_contacts as double)
            when 'adherence_rate' then cast(people_daily.scheduled_s as double)
            when 'occupancy_rate'
                then cast(people_daily.available_s + people_daily.on_contact_s + people_daily.acw_s as double)
            when 'attendance_rate' then cast(people_daily.shifts_started as double)
            when 'punctuality_rate' then cast(people_daily.shifts_attended as double)
        end as volume
    from people_daily
    inner join people_targets
        on people_daily.scope = people_targets.scope
),

queue_values as (
    select
        'queue' as scope,
        queue_daily.queue as scope_id,
        queue_daily.activity_date,
        queue_targets.metric,
        queue_targets.direction,
        queue_targets.threshold,
        queue_targets.severity,
        case queue_targets.metric
            when 'service_level' then cast(queue_daily.service_level as double)
            when 'abandonment_rate' then cast(queue_daily.abandonment_rate as double)
            when 'asa_s' then cast(queue_daily.asa_s as double)
        end as actual_value,
        case queue_targets.metric
            when 'service_level' then cast(queue_daily.offered - queue_daily.short_abandons as double)
            when 'abandonment_rate' then cast(queue_daily.offered - queue_daily.short_abandons as double)
            when 'asa_s' then cast(queue_daily.answered as double)
        end as volume
    from queue_daily
    cross join queue_targets
),

kpi_values as (
    select
        scope,
        scope_id,
        activity_date,
        metric,
        direction,
        threshold,
        severity,
        actual_value,
        volume
    from people_values
    union all
    select
        scope,
        scope_id,
        activity_date,
        metric,
        direction,
        threshold,
        severity,
        actual_value,
        volume
    from queue_values
),

breaches as (
    select
        scope,
        scope_id,
        activity_date,
        metric,
        actual_value,
        threshold,
        direction,
        severity,
        volume
    from kpi_values
    where
        actual_value is not null
        and scope_id is not null
        and volume >= {{ var('alert_min_volume') }}
        and (
            (direction = 'min' and actual_value < threshold)
            or (direction = 'max' and actual_value > threshold)
        )
),

final as (
    select
        scope,
        scope_id,
        cast(activity_date as date) as activity_date,
        metric,
        cast(actual_value as double) as actual_value,
        cast(threshold as double) as threshold,
        direction,
        severity,
        cast(volume as double) as volume,
        cast(actual_value - threshold as double) as gap_to_threshold
    from breaches
)

select * from final

{#- One row per breached KPI target: each agent-, team- and queue-day KPI of
    the KPI catalogue (macros/kpis/kpi_catalogue.sql) is compared with its
    target in the `kpi_targets` seed. `volume` is the KPI's denominator; a
    KPI whose volume is below var `alert_min_volume`, or that is null, never
    raises an alert. Nor does a partial day: one whose end (the next local
    midnight) is after the latest contact in the loaded data, because the
    export stopped during it. A seed metric that is not a KPI column of its scope's
    fact yields no alert (the seed's accepted_values test lists the KPIs). -#}
{%- set scopes = kpi_alert_scopes() %}
{%- set kpi_names = kpi_alert_names() %}

with

{% for scope in scopes -%}
{{ scope['scope'] }}_daily as (
    select * from {{ ref(scope['model']) }}
),

{% endfor -%}
kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

data_horizon as (
    -- the latest contact start in the loaded data: a day ending after it is partial
    select max(started_at) as last_event_at
    from contacts
),

kpi_daily as (
    {#- every scope's KPIs side by side, each with its volume (denominator);
        null where the scope's fact has no such KPI #}
    {%- for scope in scopes %}
    {%- set kpis = kpi_rate_entries(scope['fact']) %}
    {%- set own = kpis | map(attribute='kpi') | list %}
    select
        '{{ scope['scope'] }}' as scope,
        {{ scope['scope_id'] }} as scope_id,
        activity_date,
        {%- for name in kpi_names %}
        {%- if name in own %}
        {%- set kpi = kpis[own.index(name)] %}
        cast({{ name }} as double) as {{ name }},
        cast({{ kpi_part_sql(kpi['denominator']) }} as double) as {{ name }}_volume
        {%- else %}
        cast(null as double) as {{ name }},
        cast(null as double) as {{ name }}_volume
        {%- endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ scope['scope'] }}_daily
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

kpi_values as (
    select
        kpi_daily.scope,
        kpi_daily.scope_id,
        kpi_daily.activity_date,
        kpi_targets.metric,
        kpi_targets.direction,
        kpi_targets.threshold,
        kpi_targets.severity,
        {{ kpi_case('kpi_targets.metric', 'kpi_daily', kpi_names) }} as actual_value,
        {{ kpi_case('kpi_targets.metric', 'kpi_daily', kpi_names, '_volume') }} as volume
    from kpi_daily
    inner join kpi_targets
        on kpi_daily.scope = kpi_targets.scope
    cross join data_horizon
    where {{ reporting_midnight_utc(dbt.dateadd('day', 1, 'kpi_daily.activity_date')) }} <= data_horizon.last_event_at
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

-- Operations health per month: how often the centre met its service level
-- and how often KPIs missed their targets. One row per month:
--   queue_days, queue_days_meeting_sl: queue-days whose service level reached
--     the queue target of `service_level` in kpi_targets (0.8 by default);
--   median_abandonment_rate: median of the queue-days' abandonment rates;
--   agent_days, agent_days_with_alert: agent-days with contacts or a schedule,
--     and those with at least one alert (fct_kpi_alerts, scope agent);
--   intervals, intervals_understaffed: centre intervals with offered calls,
--     and those whose productive agents fell short of Erlang C's requirement.

with

queue_daily as (
    select * from {{ ref('fct_queue_daily') }}
),

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

kpi_alerts as (
    select * from {{ ref('fct_kpi_alerts') }}
),

centre_interval as (
    select * from {{ ref('fct_centre_interval') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

sl_target as (
    select coalesce(max(threshold), 0.8) as threshold
    from kpi_targets
    where metric = 'service_level' and scope = 'queue'
),

queue_days as (
    select
        cast({{ dbt.date_trunc('month', 'queue_daily.activity_date') }} as date) as month,
        queue_daily.service_level >= sl_target.threshold as meets_sl,
        queue_daily.abandonment_rate
    from queue_daily
    cross join sl_target
    where queue_daily.service_level is not null
),

queue_months as (
    select
        month,
        count(*) as queue_days,
        count(case when meets_sl then 1 end) as queue_days_meeting_sl,
        median(abandonment_rate) as median_abandonment_rate
    from queue_days
    group by month
),

agent_alert_days as (
    select distinct
        scope_id as agent_id,
        activity_date
    from kpi_alerts
    where scope = 'agent'
),

agent_days as (
    select
        cast({{ dbt.date_trunc('month', 'agent_daily.activity_date') }} as date) as month,
        agent_alert_days.agent_id is not null as has_alert
    from agent_daily
    left join agent_alert_days
        on
            agent_daily.agent_id = agent_alert_days.agent_id
            and agent_daily.activity_date = agent_alert_days.activity_date
    where agent_daily.contacts_owned > 0 or agent_daily.scheduled_s > 0
),

agent_months as (
    select
        month,
        count(*) as agent_days,
        count(case when has_alert then 1 end) as agent_days_with_alert
    from agent_days
    group by month
),

intervals as (
    select
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month,
        staffing_gap < 0 as is_understaffed
    from centre_interval
    where offered > 0
),

interval_months as (
    select
        month,
        count(*) as intervals,
        count(case when is_understaffed then 1 end) as intervals_understaffed
    from intervals
    group by month
),

final as (
    select
        queue_months.month,
        queue_months.queue_days,
        queue_months.queue_days_meeting_sl,
        cast(queue_months.queue_days_meeting_sl as double) / queue_months.queue_days as share_queue_days_meeting_sl,
        queue_months.median_abandonment_rate,
        agent_months.agent_days,
        agent_months.agent_days_with_alert,
        cast(agent_months.agent_days_with_alert as double)
        / nullif(agent_months.agent_days, 0) as share_agent_days_with_alert,
        interval_months.intervals,
        interval_months.intervals_understaffed
    from queue_months
    left join agent_months
        on queue_months.month = agent_months.month
    left join interval_months
        on queue_months.month = interval_months.month
)

select * from final
order by month

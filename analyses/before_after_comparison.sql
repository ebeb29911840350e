-- Before/after comparison of the main KPIs around a change date (a new
-- routing rule, a training, a tool roll-out). Set the date and the window:
--   dbt compile --select before_after_comparison \
--       --vars '{change_date: "2026-03-15", comparison_days: 14}'
-- Without `change_date` the middle day of the loaded data is used.
-- "before" = [change_date - comparison_days, change_date),
-- "after"  = [change_date, change_date + comparison_days).
{% set change_date = var('change_date', '') -%}
{%- set comparison_days = var('comparison_days', 14) -%}
{%- set half_range_days = 'cast(' ~ dbt.datediff('first_date', 'last_date', 'day') ~ ' / 2 as integer)' -%}
{%- set explicit_change_date = "cast('" ~ change_date ~ "' as date)" if change_date else 'cast(null as date)' -%}

with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

data_range as (
    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from agent_daily
),

change_point as (
    select
        coalesce(
            {{ explicit_change_date }},
            cast({{ dbt.dateadd('day', half_range_days, 'first_date') }} as date)
        ) as change_date
    from data_range
),

comparison_window as (
    select
        change_date,
        cast({{ dbt.dateadd('day', -comparison_days, 'change_date') }} as date) as window_start,
        cast({{ dbt.dateadd('day', comparison_days, 'change_date') }} as date) as window_end
    from change_point
),

periods as (
    select
        agent_daily.activity_date,
        agent_daily.contacts_owned,
        agent_daily.handle_s_sum,
        agent_daily.calls_answered,
        agent_daily.chats_handled,
        agent_daily.first_response_s_sum,
        agent_daily.first_responses,
        agent_daily.fcr_contacts,
        agent_daily.fcr_eligible_contacts,
        agent_daily.csat_score_sum,
        agent_daily.csat_responses,
        agent_daily.nps_promoters,
        agent_daily.nps_detractors,
        agent_daily.nps_responses,
        agent_daily.adherent_s,
        agent_daily.scheduled_s,
        agent_daily.buyers_final,
        agent_daily.presales_customers,
        case
            when agent_daily.activity_date < comparison_window.change_date then 'before'
            else 'after'
        end as period
    from agent_daily
    cross join comparison_window
    where
        agent_daily.activity_date >= comparison_window.window_start
        and agent_daily.activity_date < comparison_window.window_end
),

period_sums as (
    select
        period,
        count(distinct activity_date) as days,  -- noqa: RF04
        sum(contacts_owned) as contacts_owned,
        sum(handle_s_sum) / nullif(sum(calls_answered + chats_handled), 0) as aht_s,
        sum(first_response_s_sum) / nullif(sum(first_responses), 0) as avg_first_response_s,
        cast(sum(fcr_contacts) as double) / nullif(sum(fcr_eligible_contacts), 0) as fcr_rate,
        cast(sum(csat_score_sum) as double) / nullif(sum(csat_responses), 0) as csat_avg,
        100.0 * sum(nps_promoters - nps_detractors) / nullif(sum(nps_responses), 0) as nps,
        sum(adherent_s) / nullif(sum(scheduled_s), 0) as adherence_rate,
        cast(sum(buyers_final) as double)
        / nullif(sum(presales_customers), 0) as final_conversion_rate
    from periods
    group by period
),

before_period as (
    select * from period_sums
    where period = 'before'
),

after_period as (
    select * from period_sums
    where period = 'after'
),

final as (
    select
        change_point.change_date,
        {{ comparison_days }} as comparison_days,
        before_period.days as days_before,
        after_period.days as days_after,
        before_period.contacts_owned as contacts_owned_before,
        after_period.contacts_owned as contacts_owned_after,
        before_period.aht_s as aht_s_before,
        after_period.aht_s as aht_s_after,
        after_period.aht_s - before_period.aht_s as aht_s_change,
        before_period.avg_first_response_s as avg_first_response_s_before,
        after_period.avg_first_response_s as avg_first_response_s_after,
        after_period.avg_first_response_s
        - before_period.avg_first_response_s as avg_first_response_s_change,
        before_period.fcr_rate as fcr_rate_before,
        after_period.fcr_rate as fcr_rate_after,
        after_period.fcr_rate - before_period.fcr_rate as fcr_rate_change,
        before_period.csat_avg as csat_avg_before,
        after_period.csat_avg as csat_avg_after,
        after_period.csat_avg - before_period.csat_avg as csat_avg_change,
        before_period.nps as nps_before,
        after_period.nps as nps_after,
        after_period.nps - before_period.nps as nps_change,
        before_period.adherence_rate as adherence_rate_before,
        after_period.adherence_rate as adherence_rate_after,
        after_period.adherence_rate - before_period.adherence_rate as adherence_rate_change,
        before_period.final_conversion_rate as final_conversion_rate_before,
        after_period.final_conversion_rate as final_conversion_rate_after,
        after_period.final_conversion_rate
        - before_period.final_conversion_rate as final_conversion_rate_change
    from change_point
    left join before_period
        on true
    left join after_period
        on true
)

select * from final

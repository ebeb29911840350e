-- Each agent against the team median and the team's best quartile, per
-- month and KPI. An agent who moved team during the month is compared in
-- each team for the days spent there (team as of each day). "Best quartile"
-- is the 75th percentile for KPIs where higher is better and the 25th for
-- those where lower is better. Agents with no denominator for a KPI are left
-- out of that KPI.
with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
),

agent_months as (
    select
        calendar.month,
        agent_daily.team,
        agent_daily.agent_id,
        sum(agent_daily.handle_s_sum)
        / nullif(sum(agent_daily.calls_answered + agent_daily.chats_handled), 0) as aht_s,
        sum(agent_daily.first_response_s_sum)
        / nullif(sum(agent_daily.first_responses), 0) as avg_first_response_s,
        cast(sum(agent_daily.fcr_contacts) as double)
        / nullif(sum(agent_daily.fcr_eligible_contacts), 0) as fcr_rate,
        cast(sum(agent_daily.csat_score_sum) as double)
        / nullif(sum(agent_daily.csat_responses), 0) as csat_avg,
        sum(agent_daily.adherent_s) / nullif(sum(agent_daily.scheduled_s), 0) as adherence_rate,
        cast(sum(agent_daily.buyers_final) as double)
        / nullif(sum(agent_daily.presales_customers), 0) as final_conversion_rate
    from agent_daily
    inner join calendar
        on agent_daily.activity_date = calendar.date
    where agent_daily.team is not null
    group by calendar.month, agent_daily.team, agent_daily.agent_id
),

agent_kpis as (
    select
        month,
        team,
        agent_id,
        'aht_s' as metric,
        'lower' as better,
        aht_s as agent_value
    from agent_months
    union all
    select
        month,
        team,
        agent_id,
        'avg_first_response_s' as metric,
        'lower' as better,
        avg_first_response_s as agent_value
    from agent_months
    union all
    select
        month,
        team,
        agent_id,
        'fcr_rate' as metric,
        'higher' as better,
        fcr_rate as agent_value
    from agent_months
    union all
    select
        month,
        team,
        agent_id,
        'csat_avg' as metric,
        'higher' as better,
        csat_avg as agent_value
    from agent_months
    union all
    select
        month,
        team,
        agent_id,
        'adherence_rate' as metric,
        'higher' as better,
        adherence_rate as agent_value
    from agent_months
    union all
    select
        month,
        team,
        agent_id,
        'final_conversion_rate' as metric,
        'higher' as better,
        final_conversion_rate as agent_value
    from agent_months
),

team_benchmarks as (
    select
        month,
        team,
        metric,
        count(agent_value) as agents_measured,
        percentile_cont(0.5) within group (order by agent_value) as team_median,
        percentile_cont(0.25) within group (order by agent_value) as team_p25,
        percentile_cont(0.75) within group (order by agent_value) as team_p75
    from agent_kpis
    where agent_value is not null
    group by month, team, metric
),

final as (
    select
        agent_kpis.month,
        agent_kpis.team,
        agent_kpis.agent_id,
        agent_kpis.metric,
        agent_kpis.better,
        agent_kpis.agent_value,
        team_benchmarks.agents_measured,
        team_benchmarks.team_median,
        case
            when agent_kpis.better = 'higher' then team_benchmarks.team_p75
            else team_benchmarks.team_p25
        end as best_quartile_threshold,
        agent_kpis.agent_value - team_benchmarks.team_median as gap_to_median,
        case
            when agent_kpis.better = 'higher'
                then agent_kpis.agent_value >= team_benchmarks.team_p75
            else agent_kpis.agent_value <= team_benchmarks.team_p25
        end as is_in_best_quartile
    from agent_kpis
    inner join team_benchmarks
        on
            agent_kpis.month = team_benchmarks.month
            and agent_kpis.team = team_benchmarks.team
            and agent_kpis.metric = team_benchmarks.metric
    where agent_kpis.agent_value is not null
)

select * from final
order by month, team, metric, agent_id

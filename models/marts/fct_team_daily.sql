{#- Team-day fact: the agent-day measures summed over the agents who were in
    the team that day (team as of the end of the day, as in fct_agent_daily),
    and every rate recomputed from the summed numerator and denominator.
    Measures and KPI columns come from the KPI catalogue
    (macros/kpis/kpi_catalogue.sql). -#}

with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

sums as (
    select
        team,
        activity_date,
        count(distinct agent_id) as agents,
        {{- kpi_measure_sums('agent_day') }},
        min(case when is_final then 1 else 0 end) = 1 as is_final
    from agent_daily
    group by team, activity_date
),

final as (
    select
        team,
        cast(activity_date as date) as activity_date,
        cast(agents as bigint) as agents,
        {{- kpi_fact_columns('agent_day') }},
        is_final
    from sums
)

select * from final

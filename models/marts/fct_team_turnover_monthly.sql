{#- Agent headcount and turnover per team and calendar month of the
    reporting calendar, from the roster history: the team an agent is in on
    a day is its team as of the end of that day (int_agent_teams_daily, the
    rule of fct_agent_daily); hired_on and left_on come from the agent's
    current version. Rules in fct_team_turnover_monthly.yml. -#}

with

agent_teams as (
    select * from {{ ref('int_agent_teams_daily') }}
),

agents as (
    select * from {{ ref('stg_crm__agents') }}
    where is_current
),

agent_days as (
    -- employed at the end of the day: hired on or before it, not left on or before it
    select
        agent_teams.agent_id,
        agent_teams.activity_date,
        cast({{ dbt.date_trunc('month', 'agent_teams.activity_date') }} as date) as month_start,
        agent_teams.team,
        agents.hired_on,
        agents.left_on,
        coalesce(agents.hired_on <= agent_teams.activity_date, true)
        and (agents.left_on is null or agents.left_on > agent_teams.activity_date) as is_employed_at_end,
        coalesce(agents.hired_on < agent_teams.activity_date, true)
        and (agents.left_on is null or agents.left_on >= agent_teams.activity_date) as is_employed_at_start
    from agent_teams
    inner join agents
        on agent_teams.agent_id = agents.agent_id
),

months as (
    -- the month's first and last day within the reporting calendar
    select
        month_start,
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from agent_days
    group by month_start
),

team_months as (
    select
        agent_days.team,
        months.month_start,
        min(months.first_date) as first_date,
        min(months.last_date) as last_date,
        count(distinct case
            when agent_days.activity_date = months.first_date and agent_days.is_employed_at_start
                then agent_days.agent_id
        end) as headcount_start,
        count(distinct case
            when agent_days.activity_date = months.last_date and agent_days.is_employed_at_end
                then agent_days.agent_id
        end) as headcount_end,
        count(distinct case
            when agent_days.activity_date = agent_days.hired_on then agent_days.agent_id
        end) as hires,
        count(distinct case
            when agent_days.activity_date = agent_days.left_on then agent_days.agent_id
        end) as leavers
    from agent_days
    inner join months
        on agent_days.month_start = months.month_start
    group by agent_days.team, months.month_start
),

final as (
    select
        cast(month_start as date) as month_start,
        cast(team as string) as team,
        cast(first_date as date) as first_date,
        cast(last_date as date) as last_date,
        cast(headcount_start as bigint) as headcount_start,
        cast(headcount_end as bigint) as headcount_end,
        cast(hires as bigint) as hires,
        cast(leavers as bigint) as leavers,
        cast(headcount_start + headcount_end as double) / 2 as avg_headcount,
        cast(leavers as double) / nullif(cast(headcount_start + headcount_end as double) / 2, 0) as turnover_rate
    from team_months
    where headcount_start > 0 or headcount_end > 0 or hires > 0 or leavers > 0
)

select * from final

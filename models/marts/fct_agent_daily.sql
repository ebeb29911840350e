{{ load_window_config('activity_date', keeps_final=true) }}

{#- Agent-day KPI fact: the agent-day models of each KPI family
    (models/intermediate/<family>/int_agent_daily_<family>.sql) joined onto
    the spine of the agent's active days; measures and KPI columns come from
    the KPI catalogue (macros/kpis/kpi_catalogue.sql). -#}
{#- The data loaded so far ends at the latest contact end, call-leg end,
    order payment or survey response: `is_final` is judged against it. -#}
{%- set late_data_days = var('late_data_days', 3) -%}
{%- set families = kpi_agent_day_families() %}

with

{% for family in families -%}
{{ family }} as (
    -- on a load, the window's agent-days only (each input row is one agent-day)
    select * from {{ ref('int_agent_daily_' ~ family) }}
    {{- load_window_input_filter('activity_date') }}
),

{% endfor -%}
agent_teams as (
    select * from {{ ref('int_agent_teams_daily') }}
    {{- load_window_input_filter('activity_date') }}
),

all_contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

all_call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

all_orders as (
    select * from {{ ref('int_orders_credited') }}
),

all_surveys as (
    select * from {{ ref('int_surveys_attributed') }}
),

agent_days as (
    {%- for family in families %}
    select
        agent_id,
        activity_date
    from {{ family }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

latest_events as (
    select max(ended_at) as loaded_at from all_contacts
    union all
    select max(ended_at) as loaded_at from all_call_legs
    union all
    select max(paid_at) as loaded_at from all_orders
    union all
    select max(responded_at) as loaded_at from all_surveys
),

data_loaded as (
    select max(loaded_at) as data_loaded_until
    from latest_events
),

sums as (
    select
        agent_days.agent_id,
        agent_days.activity_date,
        agent_teams.team,
        agent_teams.site,
        {%- for entry in kpi_measures('agent_day') %}
        {{ kpi_measure_from_families(entry) }} as {{ entry['measure'] }},
        {%- endfor %}
        contacts.last_contact_ended_at
    from agent_days
    left join agent_teams
        on
            agent_days.agent_id = agent_teams.agent_id
            and agent_days.activity_date = agent_teams.activity_date
    {%- for family in families %}
    left join {{ family }}
        on
            agent_days.agent_id = {{ family }}.agent_id
            and agent_days.activity_date = {{ family }}.activity_date
    {%- endfor %}
),

finality as (
    select
        sums.agent_id,
        sums.activity_date,
        data_loaded.data_loaded_until,
        {{ reporting_midnight_utc(dbt.dateadd('day', 1, 'sums.activity_date')) }} as day_end_at,
        {{ reporting_midnight_utc(
            dbt.dateadd('day', var('conversion_window_days') + 1, 'sums.activity_date')
        ) }} as conversion_window_closes_at,
        {{ reporting_midnight_utc(
            dbt.dateadd('day', late_data_days + 1, 'sums.activity_date')
        ) }} as late_data_window_closes_at,
        sums.last_contact_ended_at
    from sums
    cross join data_loaded
),

final_windows as (
    select
        agent_id,
        activity_date,
        coalesce(data_loaded_until >= greatest(
            {{ dbt.dateadd(
                'hour',
                var('fcr_window_hours'),
                'greatest(day_end_at, coalesce(last_contact_ended_at, day_end_at))',
            ) }},
            conversion_window_closes_at,
            late_data_window_closes_at
        ), false) as is_final
    from finality
),

flagged as (
    select
        sums.*,
        final_windows.is_final
    from sums
    inner join final_windows
        on
            sums.agent_id = final_windows.agent_id
            and sums.activity_date = final_windows.activity_date
),

final as (
    select
        agent_id,
        cast(activity_date as date) as activity_date,
        team,
        site,
        {{- kpi_fact_columns('agent_day') }},
        is_final
    from flagged
)

select * from final
{{ load_window_filter() }}

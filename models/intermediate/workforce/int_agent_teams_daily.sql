with

agents as (
    select * from {{ ref('stg_crm__agents') }}
),

legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

tickets_resolved as (
    select * from {{ ref('int_tickets_resolved') }}
),

qa_evaluations as (
    select * from {{ ref('stg_crm__qa_evaluations') }}
),

workforce_days as (
    select * from {{ ref('int_workforce_day_split') }}
),

shifts as (
    select * from {{ ref('int_shifts_attended') }}
),

activity_dates as (
    -- every reporting date on which an agent-day fact can land
    select activity_date from legs
    union all
    select activity_date from conversations
    union all
    select solved_date as activity_date from tickets_resolved
    union all
    select {{ reporting_date('evaluated_at') }} as activity_date from qa_evaluations
    union all
    select activity_date from workforce_days
    union all
    select activity_date from shifts
    union all
    select {{ reporting_date('updated_at') }} as activity_date from agents
),

calendar_bounds as (
    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from activity_dates
),

calendar as (
    select day_series.date_day as activity_date
    from calendar_bounds
    cross join {{ date_series('calendar_bounds.first_date', 'calendar_bounds.last_date') }} as day_series
    where calendar_bounds.first_date is not null
),

agent_versions as (
    select
        agent_id,
        team,
        site,
        updated_at,
        lead(updated_at) over (partition by agent_id order by updated_at) as next_updated_at,
        row_number() over (partition by agent_id order by updated_at) as version_number
    from agents
),

agent_days as (
    select
        agent_versions.agent_id,
        calendar.activity_date,
        {{ reporting_midnight_utc(dbt.dateadd('day', 1, 'calendar.activity_date')) }} as next_midnight_at
    from calendar
    cross join agent_versions
    where agent_versions.version_number = 1
),

versions_as_of as (
    -- the latest version with updated_at before the next midnight
    select
        agent_days.agent_id,
        agent_days.activity_date,
        agent_versions.team,
        agent_versions.site
    from agent_days
    inner join agent_versions
        on
            agent_days.agent_id = agent_versions.agent_id
            and agent_days.next_midnight_at > agent_versions.updated_at
            and (
                agent_versions.next_updated_at is null
                or agent_days.next_midnight_at <= agent_versions.next_updated_at
            )
),

final as (
    select
        agent_days.agent_id,
        agent_days.activity_date,
        case
            when versions_as_of.agent_id is not null then versions_as_of.team
            else earliest_versions.team
        end as team,
        case
            when versions_as_of.agent_id is not null then versions_as_of.site
            else earliest_versions.site
        end as site,
        versions_as_of.agent_id is null as is_before_first_version
    from agent_days
    left join versions_as_of
        on
            agent_days.agent_id = versions_as_of.agent_id
            and agent_days.activity_date = versions_as_of.activity_date
    inner join agent_versions as earliest_versions
        on
            agent_days.agent_id = earliest_versions.agent_id
            and earliest_versions.version_number = 1
)

select * from final

{{ config(materialized='view') }}

{#- Agent-day workforce measures: state and schedule seconds of the day
    (int_workforce_day_split) and the shifts that started on the day with
    their attendance and punctuality (int_shifts_attended). -#}

with

workforce as (
    select * from {{ ref('int_workforce_day_split') }}
),

shifts as (
    select * from {{ ref('int_shifts_attended') }}
),

shift_counts as (
    select
        agent_id,
        activity_date,
        count(*) as shifts_started,
        count(case when is_attended then 1 end) as shifts_attended,
        count(case when is_on_time then 1 end) as shifts_on_time
    from shifts
    group by agent_id, activity_date
),

agent_days as (
    select
        agent_id,
        activity_date
    from workforce
    union
    select
        agent_id,
        activity_date
    from shift_counts
),

final as (
    select
        agent_days.agent_id,
        agent_days.activity_date,
        workforce.scheduled_s,
        workforce.logged_in_s,
        workforce.available_s,
        workforce.on_contact_s,
        workforce.acw_s,
        workforce.break_s,
        workforce.adherent_s,
        shift_counts.shifts_started,
        shift_counts.shifts_attended,
        shift_counts.shifts_on_time
    from agent_days
    left join workforce
        on
            agent_days.agent_id = workforce.agent_id
            and agent_days.activity_date = workforce.activity_date
    left join shift_counts
        on
            agent_days.agent_id = shift_counts.agent_id
            and agent_days.activity_date = shift_counts.activity_date
)

select * from final

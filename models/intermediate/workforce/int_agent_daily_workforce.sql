{{ config(materialized='view', window_column='activity_date') }}

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

{{ agent_days_joined([
    ('workforce', ['scheduled_s', 'logged_in_s', 'available_s', 'on_contact_s', 'acw_s', 'break_s', 'adherent_s', 'shift_break_s']),
    ('shift_counts', ['shifts_started', 'shifts_attended', 'shifts_on_time']),
]) }}

select * from final

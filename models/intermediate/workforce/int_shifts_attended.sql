{{ load_window_config('activity_date', entities=['wfm__agent_states', 'wfm__schedules']) }}

with

schedules as (
    -- on a load, the shifts of the window: a row's activity_date is its shift start's
    select * from {{ ref('stg_wfm__schedules') }}
    {{- load_window_input_filter('shift_start', kind='timestamp') }}
),

agent_states as (
    -- a state overlapping such a shift ends after the shift starts, so in the window
    select * from {{ ref('stg_wfm__agent_states') }}
    {{- load_window_input_filter('ended_at', kind='timestamp') }}
),

working_states as (
    -- offline never counts; a zero-length state contributes nothing
    select
        agent_id,
        started_at,
        ended_at
    from agent_states
    where
        state != 'offline'
        and ended_at > started_at
),

shift_states as (
    -- working states overlapping the shift, including those that began
    -- before it
    select
        schedules.schedule_id,
        min(working_states.started_at) as first_state_started_at
    from schedules
    inner join working_states
        on
            schedules.agent_id = working_states.agent_id
            and schedules.shift_end > working_states.started_at
            and schedules.shift_start < working_states.ended_at
    group by schedules.schedule_id
),

final as (
    select
        schedules.schedule_id,
        schedules.agent_id,
        schedules.shift_start,
        schedules.shift_end,
        {{ reporting_date('schedules.shift_start') }} as activity_date,
        {{ seconds_between('schedules.shift_start', 'schedules.shift_end') }} as shift_s,
        shift_states.first_state_started_at,
        shift_states.schedule_id is not null as is_attended,
        coalesce(
            shift_states.first_state_started_at
            <= {{ add_seconds('schedules.shift_start', var('late_grace_s')) }},
            false
        ) as is_on_time
    from schedules
    left join shift_states
        on schedules.schedule_id = shift_states.schedule_id
)

select * from final
{{ load_window_filter() }}

{{ load_window_config('activity_date', entities=['wfm__agent_states', 'wfm__schedules']) }}

with

schedules as (
    -- on a load, only what reaches into the window: the window's part of the
    -- merged shifts is the union of the shifts that end in it or later
    select * from {{ ref('stg_wfm__schedules') }}
    {{- load_window_input_filter('shift_end', kind='timestamp') }}
),

agent_states as (
    select * from {{ ref('stg_wfm__agent_states') }}
    {{- load_window_input_filter('ended_at', kind='timestamp') }}
),

shifts_ordered as (
    select
        agent_id,
        shift_start,
        shift_end,
        max(shift_end) over (
            partition by agent_id
            order by shift_start, shift_end
            rows between unbounded preceding and 1 preceding
        ) as previous_max_shift_end
    from schedules
    where shift_end > shift_start
),

shift_islands_numbered as (
    -- overlapping or touching shifts of one agent are merged, so that
    -- scheduled and adherent time is never counted twice
    select
        *,
        sum(
            case
                when previous_max_shift_end is null or shift_start > previous_max_shift_end then 1
                else 0
            end
        ) over (
            partition by agent_id
            order by shift_start, shift_end
            rows between unbounded preceding and current row
        ) as island_number
    from shifts_ordered
),

scheduled_intervals as (
    select
        agent_id,
        min(shift_start) as started_at,
        max(shift_end) as ended_at
    from shift_islands_numbered
    group by agent_id, island_number
),

state_intervals as (
    -- a zero-length state contributes nothing
    select
        agent_id,
        state,
        started_at,
        ended_at
    from agent_states
    where ended_at > started_at
),

shift_intervals as (
    -- time inside a scheduled shift by state: available, on a contact or in
    -- ACW is adherent; a break is shrinkage, as is everything not logged
    select
        state_intervals.agent_id,
        case when state_intervals.state = 'break' then 'shift_break' else 'adherent' end as measure,
        greatest(state_intervals.started_at, scheduled_intervals.started_at) as started_at,
        least(state_intervals.ended_at, scheduled_intervals.ended_at) as ended_at
    from state_intervals
    inner join scheduled_intervals
        on
            state_intervals.agent_id = scheduled_intervals.agent_id
            and state_intervals.started_at < scheduled_intervals.ended_at
            and state_intervals.ended_at > scheduled_intervals.started_at
    where state_intervals.state in ('available', 'on_contact', 'acw', 'break')
),

intervals as (
    select
        agent_id,
        'scheduled' as measure,
        started_at,
        ended_at
    from scheduled_intervals

    union all

    select
        agent_id,
        state as measure,
        started_at,
        ended_at
    from state_intervals

    union all

    select
        agent_id,
        measure,
        started_at,
        ended_at
    from shift_intervals
),

intervals_dated as (
    select
        *,
        {{ reporting_date('started_at') }} as first_date,
        {{ reporting_date('ended_at') }} as last_date
    from intervals
),

day_pieces as (
    -- one piece per reporting day the interval touches
    select
        intervals_dated.agent_id,
        intervals_dated.measure,
        day_series.date_day as activity_date,
        greatest(
            intervals_dated.started_at,
            {{ reporting_midnight_utc('day_series.date_day') }}
        ) as piece_started_at,
        least(
            intervals_dated.ended_at,
            {{ reporting_midnight_utc(dbt.dateadd('day', 1, 'day_series.date_day')) }}
        ) as piece_ended_at
    from intervals_dated
    cross join {{ date_series('intervals_dated.first_date', 'intervals_dated.last_date') }} as day_series
),

piece_seconds as (
    select
        agent_id,
        measure,
        activity_date,
        {{ seconds_between('piece_started_at', 'piece_ended_at') }} as seconds
    from day_pieces
    where piece_ended_at > piece_started_at
),

final as (
    select
        agent_id,
        activity_date,
        sum(case when measure = 'scheduled' then seconds else 0 end) as scheduled_s,
        sum(case when measure in ('available', 'on_contact', 'acw', 'break') then seconds else 0 end) as logged_in_s,
        sum(case when measure = 'available' then seconds else 0 end) as available_s,
        sum(case when measure = 'on_contact' then seconds else 0 end) as on_contact_s,
        sum(case when measure = 'acw' then seconds else 0 end) as acw_s,
        sum(case when measure = 'break' then seconds else 0 end) as break_s,
        sum(case when measure = 'offline' then seconds else 0 end) as offline_s,
        sum(case when measure = 'adherent' then seconds else 0 end) as adherent_s,
        sum(case when measure = 'shift_break' then seconds else 0 end) as shift_break_s
    from piece_seconds
    group by agent_id, activity_date
)

select * from final
{{ load_window_filter() }}

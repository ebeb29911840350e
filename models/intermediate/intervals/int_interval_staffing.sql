{#- Centre-wide agent time per reporting interval, from the state log: each
    state is cut at the interval boundaries (macros/intervals.sql) and its
    seconds summed per interval and state. Agents are not tied to a queue in
    the state log, so staffing is centre-wide. -#}
{{ load_window_config('activity_date', entities=['wfm__agent_states']) }}

with

agent_states as (
    -- on a load, the states that end in the window: only they reach its intervals
    select * from {{ ref('stg_wfm__agent_states') }}
    {{- load_window_input_filter('ended_at', kind='timestamp') }}
),

states_gridded as (
    -- a zero-length state contributes nothing, offline time is not staffing
    select
        agent_id,
        state,
        started_at,
        ended_at,
        {{ interval_start_utc('started_at') }} as first_interval_start_utc
    from agent_states
    where
        ended_at > started_at
        and state != 'offline'
),

states_spanned as (
    select
        *,
        cast(
            ceil({{ seconds_between('first_interval_start_utc', 'ended_at') }} / {{ interval_seconds() }})
            as bigint
        ) as intervals_touched
    from states_gridded
),

interval_pieces as (
    -- one piece per interval the state touches
    {%- set piece_start = add_seconds('states_spanned.first_interval_start_utc',
                                      'interval_series.n * ' ~ interval_seconds()) %}
    {%- set piece_end = add_seconds('states_spanned.first_interval_start_utc',
                                    '(interval_series.n + 1) * ' ~ interval_seconds()) %}
    select
        states_spanned.state,
        {{ piece_start }} as interval_start_utc,
        greatest(states_spanned.started_at, {{ piece_start }}) as piece_started_at,
        least(states_spanned.ended_at, {{ piece_end }}) as piece_ended_at
    from states_spanned
    cross join {{ integer_series('0', 'states_spanned.intervals_touched - 1') }} as interval_series
),

interval_seconds as (
    select
        interval_start_utc,
        sum(
            case
                when state in ('available', 'on_contact', 'acw', 'break')
                    then {{ seconds_between('piece_started_at', 'piece_ended_at') }}
                else 0
            end
        ) as logged_in_s,
        sum(
            case
                when state = 'available'
                    then {{ seconds_between('piece_started_at', 'piece_ended_at') }}
                else 0
            end
        ) as available_s,
        sum(
            case
                when state in ('available', 'on_contact', 'acw')
                    then {{ seconds_between('piece_started_at', 'piece_ended_at') }}
                else 0
            end
        ) as productive_s
    from interval_pieces
    where piece_ended_at > piece_started_at
    group by interval_start_utc
),

final as (
    select
        cast({{ reporting_date('interval_start_utc') }} as date) as activity_date,
        cast(interval_start_utc as timestamp) as interval_start_utc,
        cast(logged_in_s as double) as logged_in_s,
        cast(available_s as double) as available_s,
        cast(productive_s as double) as productive_s
    from interval_seconds
)

select * from final
{{ load_window_filter() }}

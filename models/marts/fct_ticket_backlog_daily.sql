{#- Ticket backlog per reporting day x team x channel x priority, from each
    ticket's current version. A ticket is open at the end of day D when it
    was created before D's end and not solved by then: created_date <= D <
    solved_date (solved and closed tickets with solved_at), or created_date
    <= D for the others. So open(D) = open(D - 1) + created(D) - solved(D)
    in every group. The age of an open ticket at the end of D is the time
    from created_at to the end of D; it moves up a bucket (1, 3, 7 days) on
    the first day whose end is at least that long after created_at. Counted
    with +1/-1 events and a running sum, so a ticket open for months costs
    a handful of rows, not one per day. Rules in fct_ticket_backlog_daily.yml. -#}

with

tickets as (
    select * from {{ ref('stg_crm__tickets') }}
),

agents as (
    select * from {{ ref('stg_crm__agents') }}
    where is_current
),

tickets_dated as (
    select
        tickets.ticket_id,
        coalesce(agents.team, 'unassigned') as team,
        tickets.channel,
        tickets.priority,
        tickets.created_at,
        tickets.reopen_count,
        cast({{ reporting_date('tickets.created_at') }} as date) as created_date,
        case
            when tickets.status in ('solved', 'closed') and tickets.solved_at is not null
                then cast({{ reporting_date('tickets.solved_at') }} as date)
        end as solved_date,
        -- first day whose end is at least 1, 3, 7 days after created_at
        cast({{ reporting_date(add_seconds('tickets.created_at', '86400 - 0.000001')) }} as date) as aged_1d_date,
        cast({{ reporting_date(add_seconds('tickets.created_at', '259200 - 0.000001')) }} as date) as aged_3d_date,
        cast({{ reporting_date(add_seconds('tickets.created_at', '604800 - 0.000001')) }} as date) as aged_7d_date
    from tickets
    left join agents
        on tickets.assignee_agent_id = agents.agent_id
),

as_of as (
    -- the backlog runs to the last day the export knows of
    select max(cast({{ reporting_date('updated_at') }} as date)) as last_date
    from tickets
),

states as (
    -- the days [from_date, to_date) a ticket spends open and in each age bucket
    -- (to_date null: still there at the end of the data)
    select
        ticket_id,
        team,
        channel,
        priority,
        'open' as state,
        created_date as from_date,
        solved_date as to_date
    from tickets_dated
    union all
    select
        ticket_id,
        team,
        channel,
        priority,
        'age_lt_1d' as state,
        created_date as from_date,
        least(solved_date, aged_1d_date) as to_date
    from tickets_dated
    union all
    select
        ticket_id,
        team,
        channel,
        priority,
        'age_1_3d' as state,
        aged_1d_date as from_date,
        least(solved_date, aged_3d_date) as to_date
    from tickets_dated
    union all
    select
        ticket_id,
        team,
        channel,
        priority,
        'age_3_7d' as state,
        aged_3d_date as from_date,
        least(solved_date, aged_7d_date) as to_date
    from tickets_dated
    union all
    select
        ticket_id,
        team,
        channel,
        priority,
        'age_gt_7d' as state,
        aged_7d_date as from_date,
        solved_date as to_date
    from tickets_dated
),

events as (
    select
        team,
        channel,
        priority,
        state,
        from_date as event_date,
        1 as delta
    from states
    where to_date is null or from_date < to_date
    union all
    select
        team,
        channel,
        priority,
        state,
        to_date as event_date,
        -1 as delta
    from states
    where to_date is not null and from_date < to_date
),

flows as (
    select
        team,
        channel,
        priority,
        created_date as event_date,
        1 as created,
        0 as solved,
        0 as solved_reopened
    from tickets_dated
    union all
    select
        team,
        channel,
        priority,
        solved_date as event_date,
        0 as created,
        1 as solved,
        case when reopen_count > 0 then 1 else 0 end as solved_reopened
    from tickets_dated
    where solved_date is not null
),

daily_changes as (
    select
        team,
        channel,
        priority,
        event_date,
        sum(case when state = 'open' then delta else 0 end) as open_change,
        sum(case when state = 'age_lt_1d' then delta else 0 end) as lt_1d_change,
        sum(case when state = 'age_1_3d' then delta else 0 end) as d1_3_change,
        sum(case when state = 'age_3_7d' then delta else 0 end) as d3_7_change,
        sum(case when state = 'age_gt_7d' then delta else 0 end) as gt_7d_change,
        0 as created,
        0 as solved,
        0 as solved_reopened
    from events
    group by team, channel, priority, event_date

    union all

    select
        team,
        channel,
        priority,
        event_date,
        0 as open_change,
        0 as lt_1d_change,
        0 as d1_3_change,
        0 as d3_7_change,
        0 as gt_7d_change,
        sum(created) as created,
        sum(solved) as solved,
        sum(solved_reopened) as solved_reopened
    from flows
    group by team, channel, priority, event_date
),

groups as (
    select
        team,
        channel,
        priority,
        min(event_date) as first_date
    from daily_changes
    group by team, channel, priority
),

calendar as (
    -- every day of every group from its first event to the end of the data
    select
        groups.team,
        groups.channel,
        groups.priority,
        day_series.date_day as activity_date
    from groups
    cross join as_of
    cross join {{ date_series('groups.first_date', 'as_of.last_date') }} as day_series
),

group_days as (
    select
        calendar.team,
        calendar.channel,
        calendar.priority,
        calendar.activity_date,
        coalesce(sum(daily_changes.created), 0) as created,
        coalesce(sum(daily_changes.solved), 0) as solved,
        coalesce(sum(daily_changes.solved_reopened), 0) as solved_reopened,
        coalesce(sum(daily_changes.open_change), 0) as open_change,
        coalesce(sum(daily_changes.lt_1d_change), 0) as lt_1d_change,
        coalesce(sum(daily_changes.d1_3_change), 0) as d1_3_change,
        coalesce(sum(daily_changes.d3_7_change), 0) as d3_7_change,
        coalesce(sum(daily_changes.gt_7d_change), 0) as gt_7d_change
    from calendar
    left join daily_changes
        on
            calendar.team = daily_changes.team
            and calendar.channel = daily_changes.channel
            and calendar.priority = daily_changes.priority
            and calendar.activity_date = daily_changes.event_date
    group by calendar.team, calendar.channel, calendar.priority, calendar.activity_date
),

running as (
    select
        team,
        channel,
        priority,
        activity_date,
        created,
        solved,
        solved_reopened,
        sum(open_change) over (
            partition by team, channel, priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as open_at_end,
        sum(lt_1d_change) over (
            partition by team, channel, priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as open_lt_1d,
        sum(d1_3_change) over (
            partition by team, channel, priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as open_1_3d,
        sum(d3_7_change) over (
            partition by team, channel, priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as open_3_7d,
        sum(gt_7d_change) over (
            partition by team, channel, priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as open_gt_7d
    from group_days
),

final as (
    select
        cast(activity_date as date) as activity_date,
        cast(team as string) as team,
        cast(channel as string) as channel,
        cast(priority as string) as priority,
        cast(created as bigint) as created,
        cast(solved as bigint) as solved,
        cast(solved_reopened as bigint) as solved_reopened,
        cast(solved_reopened as double) / nullif(solved, 0) as reopen_rate,
        cast(open_at_end as bigint) as open_at_end,
        cast(open_lt_1d as bigint) as open_lt_1d,
        cast(open_1_3d as bigint) as open_1_3d,
        cast(open_3_7d as bigint) as open_3_7d,
        cast(open_gt_7d as bigint) as open_gt_7d
    from running
    where created > 0 or solved > 0 or open_at_end > 0
)

select * from final

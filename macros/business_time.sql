{#- Business time (seconds inside a site's opening hours) between two naive
    UTC instants, for every row of a CTE. `spans` names a CTE with columns
    `span_id`, `site`, `started_at`, `ended_at`; the result is a select of
    (span_id, business_s) for the spans of a site with opening hours (other
    spans have no row; callers read them as 0). The windows are
    int_business_windows: each site's weekly hours on each local date, in
    UTC, holidays removed.

    business_s = B(ended_at) - B(started_at), where B(t) is the site's
    business time before instant t: the running total at t's UTC midnight
    (one row per site and UTC day) plus the part of t's own day before t.
    Each endpoint meets the windows of one UTC day only, so the cost grows
    with the spans, not with spans x windows (a range join of every span
    with every window of its site cost 13 s for a year of contacts). -#}
{% macro business_seconds_by_span(spans) -%}
    {%- set windows = ref('int_business_windows') -%}
    {%- set first_day = dbt.dateadd('day', -2, "cast('" ~ var('valid_from_date') ~ "' as date)") -%}
    {%- set last_day = dbt.dateadd('day', 2, "cast('" ~ var('valid_to_date') ~ "' as date)") -%}
    select
        endpoint_totals.span_id,
        sum(case when endpoint_totals.is_end then endpoint_totals.business_before_s else 0 end)
        - sum(case when endpoint_totals.is_end then 0 else endpoint_totals.business_before_s end) as business_s
    from (
        -- B(t) for both ends of every span
        select
            endpoints.span_id,
            endpoints.is_end,
            site_days.business_before_day_s + coalesce(sum(
                case
                    when window_parts.part_start_utc < endpoints.at_utc
                        then {{ seconds_between(
                            'window_parts.part_start_utc',
                            'least(window_parts.part_end_utc, endpoints.at_utc)'
                        ) }}
                end
            ), 0) as business_before_s
        from (
            select span_id, site, started_at as at_utc, false as is_end from {{ spans }}
            union all
            select span_id, site, ended_at as at_utc, true as is_end from {{ spans }}
        ) as endpoints
        inner join (
            -- business seconds before each UTC midnight, per site
            select
                days.site,
                days.utc_date,
                coalesce(sum(day_totals.business_s) over (
                    partition by days.site
                    order by days.utc_date
                    rows between unbounded preceding and 1 preceding
                ), 0) as business_before_day_s
            from (
                select
                    sites.site,
                    day_series.date_day as utc_date
                from (select distinct site from {{ windows }}) as sites
                cross join {{ date_series(first_day, last_day) }} as day_series
            ) as days
            left join (
                select
                    window_parts.site,
                    window_parts.utc_date,
                    sum({{ seconds_between('window_parts.part_start_utc', 'window_parts.part_end_utc') }}) as business_s
                from ({{ business_window_parts(windows) }}) as window_parts
                group by window_parts.site, window_parts.utc_date
            ) as day_totals
                on days.site = day_totals.site and days.utc_date = day_totals.utc_date
        ) as site_days
            on
                endpoints.site = site_days.site
                and cast(endpoints.at_utc as date) = site_days.utc_date
        left join ({{ business_window_parts(windows) }}) as window_parts
            on
                endpoints.site = window_parts.site
                and cast(endpoints.at_utc as date) = window_parts.utc_date
        group by endpoints.span_id, endpoints.is_end, site_days.business_before_day_s
    ) as endpoint_totals
    group by endpoint_totals.span_id
{%- endmacro %}

{#- The opening windows cut at UTC midnight (a window is shorter than a day,
    so it has a part on its start's UTC date and maybe one on the next):
    a select of (site, utc_date, part_start_utc, part_end_utc). -#}
{% macro business_window_parts(windows) -%}
    {%- set next_midnight = "cast(" ~ dbt.dateadd('day', 1, 'cast(cast(window_start_utc as date) as timestamp)') ~ " as timestamp)" -%}
    select
        site,
        cast(window_start_utc as date) as utc_date,
        window_start_utc as part_start_utc,
        least(window_end_utc, {{ next_midnight }}) as part_end_utc
    from {{ windows }}
    union all
    select
        site,
        cast({{ next_midnight }} as date) as utc_date,
        {{ next_midnight }} as part_start_utc,
        window_end_utc as part_end_utc
    from {{ windows }}
    where window_end_utc > {{ next_midnight }}
{%- endmacro %}

{#- The SLA policy in force for each row of a CTE: the sla_policies row of
    its priority and channel with the latest valid_from on or before
    `as_of_date` (a policy change later does not move the row's target). A
    select of (<id_column>, <target_column>, hours); rows without a policy
    are absent. -#}
{% macro sla_policy_in_force(relation, id_column, priority, channel, as_of_date, target_column) -%}
    select
        {{ id_column }},
        {{ target_column }},
        hours
    from (
        select
            {{ relation }}.{{ id_column }},
            sla_policies.{{ target_column }},
            sla_policies.hours,
            row_number() over (
                partition by {{ relation }}.{{ id_column }}
                order by sla_policies.valid_from desc
            ) as policy_rank
        from {{ relation }}
        inner join {{ ref('sla_policies') }} as sla_policies
            on
                {{ priority }} = sla_policies.priority
                and {{ channel }} = sla_policies.channel
                and sla_policies.valid_from <= {{ as_of_date }}
    ) as policies_ranked
    where policy_rank = 1
{%- endmacro %}

{#- Business time (seconds inside a site's opening hours) between two naive
    UTC instants, for every row of a CTE. `spans` names a CTE with columns
    `span_id`, `site`, `started_at`, `ended_at`; the result is a select of
    (span_id, business_s) for the spans that overlap any window (others
    have 0 and no row). The windows are int_business_windows: each site's
    weekly hours on each local date, in UTC, holidays removed. -#}
{% macro business_seconds_by_span(spans) -%}
    select
        {{ spans }}.span_id,
        sum(
            {{ seconds_between(
                'greatest(' ~ spans ~ '.started_at, business_windows.window_start_utc)',
                'least(' ~ spans ~ '.ended_at, business_windows.window_end_utc)'
            ) }}
        ) as business_s
    from {{ spans }}
    inner join {{ ref('int_business_windows') }} as business_windows
        on
            {{ spans }}.site = business_windows.site
            and business_windows.window_start_utc < {{ spans }}.ended_at
            and business_windows.window_end_utc > {{ spans }}.started_at
    group by {{ spans }}.span_id
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

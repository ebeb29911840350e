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

{#- Every site's opening windows in UTC: one row per site and local date of
    the plausible range (vars valid_from_date .. valid_to_date, one day of
    margin) on which business_hours opens it and its country has no public
    holiday. Each window's local opening and closing times are turned into
    UTC with the site's zone on that date, so a DST change shifts the UTC
    window and never its wall-clock length. -#}
{%- set first_date = "cast('" ~ var('valid_from_date') ~ "' as date)" -%}
{%- set last_date = "cast('" ~ var('valid_to_date') ~ "' as date)" -%}
{%- set local_day = "cast(calendar.local_date as " ~ dbt.type_string() ~ ")" -%}

with

business_hours as (
    select * from {{ ref('business_hours') }}
),

public_holidays as (
    select * from {{ ref('public_holidays') }}
),

calendar as (
    select
        day_series.date_day as local_date,
        {{ iso_weekday("day_series.date_day") }} as iso_weekday
    from (select 1 as one) as anchor
    cross join {{ date_series(dbt.dateadd('day', -1, first_date), dbt.dateadd('day', 1, last_date)) }} as day_series
),

open_days as (
    select
        business_hours.site,
        business_hours.timezone,
        calendar.local_date,
        cast(
            {{ dbt.concat([local_day, "' '", "business_hours.opens_at"]) }}
            as timestamp
        ) as opens_local,
        cast(
            {{ dbt.concat([local_day, "' '", "business_hours.closes_at"]) }}
            as timestamp
        ) as closes_local
    from business_hours
    inner join calendar
        on business_hours.iso_weekday = calendar.iso_weekday
    left join public_holidays
        on
            business_hours.country_code = public_holidays.country_code
            and calendar.local_date = public_holidays.holiday_date
    where public_holidays.holiday_date is null
),

final as (
    select
        site,
        cast(local_date as date) as local_date,
        cast({{ wall_time_in_zone_to_utc('opens_local', 'timezone') }} as timestamp) as window_start_utc,
        cast({{ wall_time_in_zone_to_utc('closes_local', 'timezone') }} as timestamp) as window_end_utc
    from open_days
)

select * from final

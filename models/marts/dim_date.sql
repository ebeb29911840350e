{#- One row per calendar day of the plausible range: vars valid_from_date to
    valid_to_date (2020-2030 by default, the holiday seed's years; widen both
    with scripts/generate_holidays_seed.py), plus one day on each side, so
    that the reporting date of any timestamp staging lets through, in any
    time zone, is a day of this calendar. -#}
{%- set first_date = "cast('" ~ var('valid_from_date') ~ "' as date)" -%}
{%- set last_date = "cast('" ~ var('valid_to_date') ~ "' as date)" -%}

with

days as (
    {{ dbt.date_spine(
        'day',
        dbt.dateadd('day', -1, first_date),
        dbt.dateadd('day', 2, last_date),
    ) }}
),

holidays as (
    -- the reporting calendar's country (var holiday_country); sites with
    -- their own country's holidays: business_hours, int_business_windows
    select * from {{ ref('public_holidays') }}
    where country_code = '{{ var("holiday_country") }}'
),

calendar as (
    select
        cast(date_day as date) as calendar_date,
        {{ iso_weekday("date_day") }} as weekday_number
    from days
),

final as (
    select
        calendar.calendar_date as date,
        cast({{ dbt.date_trunc('week', 'calendar.calendar_date') }} as date) as week,  -- noqa: RF04
        {{ iso_year("calendar.calendar_date") }} as iso_year,
        cast(extract(week from calendar.calendar_date) as integer) as iso_week,
        cast({{ dbt.date_trunc('month', 'calendar.calendar_date') }} as date) as month,  -- noqa: RF04
        cast(extract(month from calendar.calendar_date) as integer) as month_number,
        cast(extract(quarter from calendar.calendar_date) as integer) as quarter,  -- noqa: RF04
        cast(extract(year from calendar.calendar_date) as integer) as year,  -- noqa: RF04
        case calendar.weekday_number
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as weekday,  -- noqa: RF04
        calendar.weekday_number,
        calendar.weekday_number >= 6 as is_weekend,
        holidays.holiday_date is not null as is_holiday,
        holidays.holiday_name,
        calendar.weekday_number < 6 and holidays.holiday_date is null as is_working_day
    from calendar
    left join holidays
        on calendar.calendar_date = holidays.holiday_date
)

select * from final

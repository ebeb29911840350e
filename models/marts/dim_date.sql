{#- One row per calendar day over the holiday seed's years (2020-2030 by
    default; widen with scripts/generate_holidays_seed.py and the vars). -#}
{%- set first_date = var('dim_date_first_date', '2020-01-01') -%}
{%- set last_date = var('dim_date_last_date', '2031-01-01') -%}

with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ first_date ~ "' as date)",
        "cast('" ~ last_date ~ "' as date)",
    ) }}
),

holidays as (
    select * from {{ ref('china_public_holidays') }}
),

calendar as (
    select
        cast(date_day as date) as calendar_date,
        cast(extract(isodow from date_day) as integer) as weekday_number
    from days
),

final as (
    select
        calendar.calendar_date as date,
        cast({{ dbt.date_trunc('week', 'calendar.calendar_date') }} as date) as week,  -- noqa: RF04
        cast(extract(isoyear from calendar.calendar_date) as integer) as iso_year,
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

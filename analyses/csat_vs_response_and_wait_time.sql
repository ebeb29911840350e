-- Does speed drive satisfaction? Correlation of the counting CSAT score of a
-- contact with its chat first response time and with its call wait time,
-- plus average CSAT per speed band so the shape is visible, not only the
-- coefficient.
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

scored_chats as (
    select
        csat_score,
        first_response_s as speed_s
    from contacts
    where
        contact_type = 'chat'
        and csat_score is not null
        and first_response_s is not null
),

scored_calls as (
    select
        csat_score,
        wait_s as speed_s
    from contacts
    where
        contact_type = 'call'
        and csat_score is not null
        and wait_s is not null
),

scored as (
    select
        'first_response_s' as speed_measure,
        csat_score,
        speed_s
    from scored_chats
    union all
    select
        'wait_s' as speed_measure,
        csat_score,
        speed_s
    from scored_calls
),

banded as (
    select
        speed_measure,
        csat_score,
        speed_s,
        case
            when speed_s <= 10 then '0-10 s'
            when speed_s <= 30 then '10-30 s'
            when speed_s <= 60 then '30-60 s'
            when speed_s <= 120 then '60-120 s'
            else 'over 120 s'
        end as speed_band
    from scored
),

correlations as (
    select
        speed_measure,
        'all' as speed_band,
        count(*) as responses,
        avg(csat_score) as csat_avg,
        avg(speed_s) as speed_s_avg,
        corr(csat_score, speed_s) as pearson_correlation
    from banded
    group by speed_measure
),

bands as (
    select
        speed_measure,
        speed_band,
        count(*) as responses,
        avg(csat_score) as csat_avg,
        avg(speed_s) as speed_s_avg,
        cast(null as double) as pearson_correlation
    from banded
    group by speed_measure, speed_band
),

final as (
    select * from correlations
    union all
    select * from bands
)

select * from final
order by speed_measure, speed_band

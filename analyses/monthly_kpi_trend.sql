-- Monthly trend of the main KPIs, centre-wide: every rate is recomputed from
-- the month's summed numerator and denominator (never an average of daily
-- rates). One row per month.
with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

queue_daily as (
    select * from {{ ref('fct_queue_daily') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
),

agent_months as (
    select
        calendar.month,
        sum(agent_daily.contacts_owned) as contacts_owned,
        sum(agent_daily.calls_answered) as calls_answered,
        sum(agent_daily.chats_handled) as chats_handled,
        sum(agent_daily.handle_s_sum) as handle_s_sum,
        sum(agent_daily.first_responses) as first_responses,
        sum(agent_daily.first_response_s_sum) as first_response_s_sum,
        sum(agent_daily.fcr_eligible_contacts) as fcr_eligible_contacts,
        sum(agent_daily.fcr_contacts) as fcr_contacts,
        sum(agent_daily.csat_responses) as csat_responses,
        sum(agent_daily.csat_score_sum) as csat_score_sum,
        sum(agent_daily.csat_satisfied) as csat_satisfied,
        sum(agent_daily.nps_responses) as nps_responses,
        sum(agent_daily.nps_promoters) as nps_promoters,
        sum(agent_daily.nps_detractors) as nps_detractors,
        sum(agent_daily.scheduled_s) as scheduled_s,
        sum(agent_daily.adherent_s) as adherent_s,
        sum(agent_daily.available_s + agent_daily.on_contact_s + agent_daily.acw_s) as ready_s,
        sum(agent_daily.on_contact_s + agent_daily.acw_s) as working_s,
        sum(agent_daily.presales_customers) as presales_customers,
        sum(agent_daily.buyers_final) as buyers_final,
        sum(agent_daily.sales_amount) as sales_amount
    from agent_daily
    inner join calendar
        on agent_daily.activity_date = calendar.date
    group by calendar.month
),

queue_months as (
    select
        calendar.month,
        sum(queue_daily.offered) as offered,
        sum(queue_daily.short_abandons) as short_abandons,
        sum(queue_daily.answered_within_sl) as answered_within_sl,
        sum(queue_daily.abandoned) as abandoned
    from queue_daily
    inner join calendar
        on queue_daily.activity_date = calendar.date
    group by calendar.month
),

final as (
    select
        coalesce(agent_months.month, queue_months.month) as month,  -- noqa: RF04
        agent_months.contacts_owned,
        agent_months.handle_s_sum
        / nullif(agent_months.calls_answered + agent_months.chats_handled, 0) as aht_s,
        agent_months.first_response_s_sum
        / nullif(agent_months.first_responses, 0) as avg_first_response_s,
        cast(agent_months.fcr_contacts as double)
        / nullif(agent_months.fcr_eligible_contacts, 0) as fcr_rate,
        cast(agent_months.csat_score_sum as double)
        / nullif(agent_months.csat_responses, 0) as csat_avg,
        cast(agent_months.csat_satisfied as double)
        / nullif(agent_months.csat_responses, 0) as csat_pct,
        100.0 * (agent_months.nps_promoters - agent_months.nps_detractors)
        / nullif(agent_months.nps_responses, 0) as nps,
        agent_months.adherent_s / nullif(agent_months.scheduled_s, 0) as adherence_rate,
        agent_months.working_s / nullif(agent_months.ready_s, 0) as occupancy_rate,
        cast(agent_months.buyers_final as double)
        / nullif(agent_months.presales_customers, 0) as final_conversion_rate,
        agent_months.sales_amount,
        queue_months.offered,
        cast(queue_months.answered_within_sl as double)
        / nullif(queue_months.offered - queue_months.short_abandons, 0) as service_level,
        cast(queue_months.abandoned as double)
        / nullif(queue_months.offered - queue_months.short_abandons, 0) as abandonment_rate
    from agent_months
    full outer join queue_months
        on agent_months.month = queue_months.month
)

select * from final
order by month

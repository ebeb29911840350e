{{ load_window_config('activity_date', keeps_final=true) }}

{#- Agent-day KPI fact: one CTE per measure family, a spine of active days, rates in `final`. -#}
{%- set late_data_days = var('late_data_days', 3) -%}

with

call_legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

contact_flags as (
    select * from {{ ref('int_contacts_fcr_flagged') }}
),

conversations as (
    select * from {{ ref('int_conversations_measured') }}
),

chat_assignments as (
    select * from {{ ref('int_chat_assignments_replied') }}
),

tickets_resolved as (
    select * from {{ ref('int_tickets_resolved') }}
),

surveys as (
    select * from {{ ref('int_surveys_attributed') }}
),

orders_credited as (
    select * from {{ ref('int_orders_credited') }}
),

qa_evaluations as (
    select * from {{ ref('stg_crm__qa_evaluations') }}
),

workforce as (
    select * from {{ ref('int_workforce_day_split') }}
),

shifts as (
    select * from {{ ref('int_shifts_attended') }}
),

agent_teams as (
    select * from {{ ref('int_agent_teams_daily') }}
),

leg_measures as (
    select
        agent_id,
        activity_date,
        count(case when direction = 'inbound' and is_answered then 1 end) as calls_answered,
        count(case when direction = 'outbound' then 1 end) as outbound_calls,
        sum(case when direction = 'inbound' and is_answered then wait_s end) as answer_wait_s_sum,
        sum(case when direction = 'inbound' and is_answered then hold_s end) as hold_s_sum,
        sum(case when direction = 'inbound' and is_answered then handle_s end) as call_handle_s_sum
    from call_legs
    where agent_id is not null
    group by agent_id, activity_date
),

owned_contacts as (
    select
        contacts.contact_id,
        contacts.owner_agent_id as agent_id,
        contacts.activity_date,
        contacts.contact_type,
        contacts.customer_id,
        contacts.is_complaint,
        contacts.is_presales,
        contacts.ended_at,
        contact_flags.is_fcr,
        contact_flags.is_repeat
    from contacts
    left join contact_flags
        on contacts.contact_id = contact_flags.contact_id
    where
        contacts.is_handled
        and contacts.owner_agent_id is not null
),

contact_measures as (
    select
        agent_id,
        activity_date,
        count(*) as contacts_owned,
        count(case when contact_type = 'chat' then 1 end) as chats_handled,
        count(distinct customer_id) as customers_served,
        count(case when is_complaint then 1 end) as complaints,
        count(customer_id) as fcr_eligible_contacts,
        count(case when customer_id is not null and is_fcr then 1 end) as fcr_contacts,
        count(case when customer_id is not null and is_repeat then 1 end) as repeat_contacts,
        count(distinct case when is_presales then customer_id end) as presales_customers,
        max(ended_at) as last_contact_ended_at
    from owned_contacts
    group by agent_id, activity_date
),

chat_measures as (
    select
        owner_agent_id as agent_id,
        activity_date,
        sum(handle_s) as chat_handle_s_sum,
        count(case when has_first_response then 1 end) as first_responses,
        sum(case when has_first_response then first_response_s end) as first_response_s_sum,
        count(
            case when has_first_response and first_response_s > {{ var('slow_response_threshold_s') }} then 1 end
        ) as slow_first_responses,
        sum(replies) as responses,
        sum(response_s_sum) as response_s_sum,
        sum(agent_messages) as agent_messages,
        sum(customer_messages) as customer_messages
    from conversations
    where
        is_handled
        and owner_agent_id is not null
    group by owner_agent_id, activity_date
),

assign_measures as (
    select
        agent_id,
        activity_date,
        count(*) as chats_assigned,
        count(case when has_replied then 1 end) as chats_replied
    from chat_assignments
    where agent_id is not null
    group by agent_id, activity_date
),

ticket_measures as (
    select
        assignee_agent_id as agent_id,
        solved_date as activity_date,
        count(*) as tickets_solved,
        sum(resolution_s) as resolution_s_sum
    from tickets_resolved
    where
        assignee_agent_id is not null
        and solved_date is not null
    group by assignee_agent_id, solved_date
),

counting_surveys as (
    select
        owned_contacts.agent_id,
        owned_contacts.activity_date,
        surveys.survey,
        surveys.score
    from surveys
    inner join owned_contacts
        on surveys.contact_id = owned_contacts.contact_id
    where surveys.is_counting
),

survey_measures as (
    select
        agent_id,
        activity_date,
        count(case when survey = 'csat' then 1 end) as csat_responses,
        sum(case when survey = 'csat' then score end) as csat_score_sum,
        count(case when survey = 'csat' and score >= 4 then 1 end) as csat_satisfied,
        count(case when survey = 'csat' and score <= 2 then 1 end) as negative_reviews,
        count(case when survey = 'csat' and score >= 4 then 1 end) as positive_reviews,
        count(case when survey = 'nps' then 1 end) as nps_responses,
        count(case when survey = 'nps' and score >= 9 then 1 end) as nps_promoters,
        count(case when survey = 'nps' and score <= 6 then 1 end) as nps_detractors
    from counting_surveys
    group by agent_id, activity_date
),

order_measures as (
    select
        credited_agent_id as agent_id,
        credited_activity_date as activity_date,
        count(distinct case when days_after_contact <= 1 then customer_id end) as buyers_next_day,
        count(
            distinct case when days_after_contact <= {{ var('conversion_window_days') }} then customer_id end
        ) as buyers_final,
        count(*) as sales_orders,
        sum(amount) as sales_amount,
        sum(item_count) as sales_units
    from orders_credited
    where credited_agent_id is not null
    group by credited_agent_id, credited_activity_date
),

qa_measures as (
    select
        agent_id,
        {{ reporting_date('evaluated_at') }} as activity_date,
        count(*) as qa_evaluations,
        sum(score) as qa_score_sum
    from qa_evaluations
    where agent_id is not null
    group by agent_id, {{ reporting_date('evaluated_at') }}
),

wfm_measures as (
    select
        agent_id,
        activity_date,
        scheduled_s,
        logged_in_s,
        available_s,
        on_contact_s,
        acw_s,
        break_s,
        adherent_s
    from workforce
),

shift_measures as (
    select
        agent_id,
        activity_date,
        count(*) as shifts_started,
        count(case when is_attended then 1 end) as shifts_attended,
        count(case when is_on_time then 1 end) as shifts_on_time
    from shifts
    group by agent_id, activity_date
),

agent_days as (
    select
        agent_id,
        activity_date
    from leg_measures
    union
    select
        agent_id,
        activity_date
    from contact_measures
    union
    select
        agent_id,
        activity_date
    from chat_measures
    union
    select
        agent_id,
        activity_date
    from assign_measures
    union
    select
        agent_id,
        activity_date
    from ticket_measures
    union
    select
        agent_id,
        activity_date
    from survey_measures
    union
    select
        agent_id,
        activity_date
    from order_measures
    union
    select
        agent_id,
        activity_date
    from qa_measures
    union
    select
        agent_id,
        activity_date
    from wfm_measures
    union
    select
        agent_id,
        activity_date
    from shift_measures
),

latest_events as (
    select max(ended_at) as loaded_at from contacts
    union all
    select max(ended_at) as loaded_at from call_legs
    union all
    select max(paid_at) as loaded_at from orders_credited
    union all
    select max(responded_at) as loaded_at from surveys
),

data_loaded as (
    select max(loaded_at) as data_loaded_until
    from latest_events
),

sums as (
    select
        agent_days.agent_id,
        agent_days.activity_date,
        agent_teams.team,
        agent_teams.site,
        coalesce(leg_measures.calls_answered, 0) as calls_answered,
        coalesce(leg_measures.outbound_calls, 0) as outbound_calls,
        coalesce(contact_measures.chats_handled, 0) as chats_handled,
        coalesce(contact_measures.contacts_owned, 0) as contacts_owned,
        coalesce(contact_measures.customers_served, 0) as customers_served,
        coalesce(ticket_measures.tickets_solved, 0) as tickets_solved,
        coalesce(leg_measures.answer_wait_s_sum, 0) as answer_wait_s_sum,
        coalesce(leg_measures.hold_s_sum, 0) as hold_s_sum,
        coalesce(leg_measures.call_handle_s_sum, 0)
        + coalesce(chat_measures.chat_handle_s_sum, 0) as handle_s_sum,
        coalesce(chat_measures.first_responses, 0) as first_responses,
        coalesce(chat_measures.first_response_s_sum, 0) as first_response_s_sum,
        coalesce(chat_measures.slow_first_responses, 0) as slow_first_responses,
        coalesce(chat_measures.responses, 0) as responses,
        coalesce(chat_measures.response_s_sum, 0) as response_s_sum,
        coalesce(assign_measures.chats_assigned, 0) as chats_assigned,
        coalesce(assign_measures.chats_replied, 0) as chats_replied,
        coalesce(chat_measures.agent_messages, 0) as agent_messages,
        coalesce(chat_measures.customer_messages, 0) as customer_messages,
        coalesce(ticket_measures.resolution_s_sum, 0) as resolution_s_sum,
        coalesce(survey_measures.csat_responses, 0) as csat_responses,
        coalesce(survey_measures.csat_score_sum, 0) as csat_score_sum,
        coalesce(survey_measures.csat_satisfied, 0) as csat_satisfied,
        coalesce(survey_measures.negative_reviews, 0) as negative_reviews,
        coalesce(survey_measures.positive_reviews, 0) as positive_reviews,
        coalesce(survey_measures.nps_responses, 0) as nps_responses,
        coalesce(survey_measures.nps_promoters, 0) as nps_promoters,
        coalesce(survey_measures.nps_detractors, 0) as nps_detractors,
        coalesce(contact_measures.complaints, 0) as complaints,
        coalesce(qa_measures.qa_evaluations, 0) as qa_evaluations,
        coalesce(qa_measures.qa_score_sum, 0) as qa_score_sum,
        coalesce(contact_measures.fcr_eligible_contacts, 0) as fcr_eligible_contacts,
        coalesce(contact_measures.fcr_contacts, 0) as fcr_contacts,
        coalesce(contact_measures.repeat_contacts, 0) as repeat_contacts,
        coalesce(contact_measures.presales_customers, 0) as presales_customers,
        coalesce(order_measures.buyers_next_day, 0) as buyers_next_day,
        coalesce(order_measures.buyers_final, 0) as buyers_final,
        coalesce(order_measures.sales_orders, 0) as sales_orders,
        coalesce(order_measures.sales_amount, 0) as sales_amount,
        coalesce(order_measures.sales_units, 0) as sales_units,
        coalesce(wfm_measures.scheduled_s, 0) as scheduled_s,
        coalesce(wfm_measures.logged_in_s, 0) as logged_in_s,
        coalesce(wfm_measures.available_s, 0) as available_s,
        coalesce(wfm_measures.on_contact_s, 0) as on_contact_s,
        coalesce(wfm_measures.acw_s, 0) as acw_s,
        coalesce(wfm_measures.break_s, 0) as break_s,
        coalesce(wfm_measures.adherent_s, 0) as adherent_s,
        coalesce(shift_measures.shifts_started, 0) as shifts_started,
        coalesce(shift_measures.shifts_attended, 0) as shifts_attended,
        coalesce(shift_measures.shifts_on_time, 0) as shifts_on_time,
        contact_measures.last_contact_ended_at
    from agent_days
    left join agent_teams
        on
            agent_days.agent_id = agent_teams.agent_id
            and agent_days.activity_date = agent_teams.activity_date
    left join leg_measures
        on
            agent_days.agent_id = leg_measures.agent_id
            and agent_days.activity_date = leg_measures.activity_date
    left join contact_measures
        on
            agent_days.agent_id = contact_measures.agent_id
            and agent_days.activity_date = contact_measures.activity_date
    left join chat_measures
        on
            agent_days.agent_id = chat_measures.agent_id
            and agent_days.activity_date = chat_measures.activity_date
    left join assign_measures
        on
            agent_days.agent_id = assign_measures.agent_id
            and agent_days.activity_date = assign_measures.activity_date
    left join ticket_measures
        on
            agent_days.agent_id = ticket_measures.agent_id
            and agent_days.activity_date = ticket_measures.activity_date
    left join survey_measures
        on
            agent_days.agent_id = survey_measures.agent_id
            and agent_days.activity_date = survey_measures.activity_date
    left join order_measures
        on
            agent_days.agent_id = order_measures.agent_id
            and agent_days.activity_date = order_measures.activity_date
    left join qa_measures
        on
            agent_days.agent_id = qa_measures.agent_id
            and agent_days.activity_date = qa_measures.activity_date
    left join wfm_measures
        on
            agent_days.agent_id = wfm_measures.agent_id
            and agent_days.activity_date = wfm_measures.activity_date
    left join shift_measures
        on
            agent_days.agent_id = shift_measures.agent_id
            and agent_days.activity_date = shift_measures.activity_date
),

finality as (
    select
        sums.agent_id,
        sums.activity_date,
        data_loaded.data_loaded_until,
        {{ reporting_midnight_utc(dbt.dateadd('day', 1, 'sums.activity_date')) }} as day_end_at,
        {{ reporting_midnight_utc(
            dbt.dateadd('day', var('conversion_window_days') + 1, 'sums.activity_date')
        ) }} as conversion_window_closes_at,
        {{ reporting_midnight_utc(
            dbt.dateadd('day', late_data_days + 1, 'sums.activity_date')
        ) }} as late_data_window_closes_at,
        sums.last_contact_ended_at
    from sums
    cross join data_loaded
),

final_windows as (
    select
        agent_id,
        activity_date,
        coalesce(data_loaded_until >= greatest(
            {{ dbt.dateadd(
                'hour',
                var('fcr_window_hours'),
                'greatest(day_end_at, coalesce(last_contact_ended_at, day_end_at))',
            ) }},
            conversion_window_closes_at,
            late_data_window_closes_at
        ), false) as is_final
    from finality
),

flagged as (
    select
        sums.*,
        final_windows.is_final
    from sums
    inner join final_windows
        on
            sums.agent_id = final_windows.agent_id
            and sums.activity_date = final_windows.activity_date
),

final as (
    select
        agent_id,
        cast(activity_date as date) as activity_date,
        team,
        site,
        calls_answered,
        outbound_calls,
        chats_handled,
        contacts_owned,
        customers_served,
        tickets_solved,
        cast(answer_wait_s_sum as double) as answer_wait_s_sum,
        cast(answer_wait_s_sum as double) / nullif(calls_answered, 0) as asa_s,
        cast(hold_s_sum as double) as hold_s_sum,
        cast(handle_s_sum as double) as handle_s_sum,
        cast(handle_s_sum as double) / nullif(calls_answered + chats_handled, 0) as aht_s,
        first_responses,
        cast(first_response_s_sum as double) as first_response_s_sum,
        cast(first_response_s_sum as double) / nullif(first_responses, 0) as avg_first_response_s,
        slow_first_responses,
        cast(responses as bigint) as responses,
        cast(response_s_sum as double) as response_s_sum,
        cast(response_s_sum as double) / nullif(responses, 0) as avg_response_s,
        chats_assigned,
        chats_replied,
        cast(chats_replied as double) / nullif(chats_assigned, 0) as reply_rate,
        cast(agent_messages as bigint) as agent_messages,
        cast(customer_messages as bigint) as customer_messages,
        cast(agent_messages as double) / nullif(customer_messages, 0) as answer_question_ratio,
        cast(resolution_s_sum as double) as resolution_s_sum,
        cast(resolution_s_sum as double) / nullif(tickets_solved, 0) as avg_resolution_s,
        csat_responses,
        cast(csat_score_sum as bigint) as csat_score_sum,
        cast(csat_score_sum as double) / nullif(csat_responses, 0) as csat_avg,
        csat_satisfied,
        cast(csat_satisfied as double) / nullif(csat_responses, 0) as csat_pct,
        negative_reviews,
        positive_reviews,
        cast(negative_reviews as double) / nullif(contacts_owned, 0) as negative_review_rate,
        cast(positive_reviews as double) / nullif(contacts_owned, 0) as positive_review_rate,
        nps_responses,
        nps_promoters,
        nps_detractors,
        100.0 * cast(nps_promoters - nps_detractors as double)
        / nullif(nps_responses, 0) as nps,
        complaints,
        cast(complaints as double) / nullif(contacts_owned, 0) as complaint_rate,
        qa_evaluations,
        cast(qa_score_sum as double) as qa_score_sum,
        cast(qa_score_sum as double) / nullif(qa_evaluations, 0) as qa_score_avg,
        fcr_eligible_contacts,
        fcr_contacts,
        cast(fcr_contacts as double) / nullif(fcr_eligible_contacts, 0) as fcr_rate,
        repeat_contacts,
        cast(repeat_contacts as double) / nullif(fcr_eligible_contacts, 0) as repeat_contact_rate,
        presales_customers,
        buyers_next_day,
        cast(buyers_next_day as double) / nullif(presales_customers, 0) as next_day_conversion_rate,
        buyers_final,
        cast(buyers_final as double) / nullif(presales_customers, 0) as final_conversion_rate,
        sales_orders,
        cast(sales_amount as decimal(18, 2)) as sales_amount,
        cast(sales_units as bigint) as sales_units,
        cast(sales_amount as double) / nullif(buyers_final, 0) as aov,
        cast(sales_units as double) / nullif(buyers_final, 0) as units_per_buyer,
        cast(scheduled_s as double) as scheduled_s,
        cast(logged_in_s as double) as logged_in_s,
        cast(available_s as double) as available_s,
        cast(on_contact_s as double) as on_contact_s,
        cast(acw_s as double) as acw_s,
        cast(break_s as double) as break_s,
        cast(adherent_s as double) as adherent_s,
        cast(adherent_s as double) / nullif(scheduled_s, 0) as adherence_rate,
        cast(on_contact_s + acw_s as double)
        / nullif(available_s + on_contact_s + acw_s, 0) as occupancy_rate,
        shifts_started,
        shifts_attended,
        shifts_on_time,
        cast(shifts_attended as double) / nullif(shifts_started, 0) as attendance_rate,
        cast(shifts_on_time as double) / nullif(shifts_attended, 0) as punctuality_rate,
        is_final
    from flagged
)

select * from final
{{ load_window_filter() }}

{#- Team-day fact: the agent-day measures summed over the agents who were in
    the team that day (team as of the end of the day, as in fct_agent_daily),
    and every rate recomputed from the summed numerator and denominator. -#}
{%- set summed_columns = [
    'calls_answered', 'outbound_calls', 'chats_handled', 'contacts_owned',
    'customers_served', 'tickets_solved', 'answer_wait_s_sum', 'hold_s_sum',
    'handle_s_sum', 'first_responses', 'first_response_s_sum',
    'slow_first_responses', 'responses', 'response_s_sum', 'chats_assigned',
    'chats_replied', 'agent_messages', 'customer_messages', 'resolution_s_sum',
    'csat_responses', 'csat_score_sum', 'csat_satisfied', 'negative_reviews',
    'positive_reviews', 'nps_responses', 'nps_promoters', 'nps_detractors',
    'complaints', 'qa_evaluations', 'qa_score_sum', 'fcr_eligible_contacts',
    'fcr_contacts', 'repeat_contacts', 'presales_customers', 'buyers_next_day',
    'buyers_final', 'sales_orders', 'sales_amount', 'sales_units',
    'scheduled_s', 'logged_in_s', 'available_s', 'on_contact_s', 'acw_s',
    'break_s', 'adherent_s', 'shifts_started', 'shifts_attended',
    'shifts_on_time',
] -%}

with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

sums as (
    select
        team,
        activity_date,
        count(distinct agent_id) as agents,
        {%- for column in summed_columns %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        min(case when is_final then 1 else 0 end) = 1 as is_final
    from agent_daily
    group by team, activity_date
),

final as (
    select
        team,
        cast(activity_date as date) as activity_date,
        cast(agents as bigint) as agents,
        cast(calls_answered as bigint) as calls_answered,
        cast(outbound_calls as bigint) as outbound_calls,
        cast(chats_handled as bigint) as chats_handled,
        cast(contacts_owned as bigint) as contacts_owned,
        cast(customers_served as bigint) as customers_served,
        cast(tickets_solved as bigint) as tickets_solved,
        cast(answer_wait_s_sum as double) as answer_wait_s_sum,
        cast(answer_wait_s_sum as double) / nullif(calls_answered, 0) as asa_s,
        cast(hold_s_sum as double) as hold_s_sum,
        cast(handle_s_sum as double) as handle_s_sum,
        cast(handle_s_sum as double) / nullif(calls_answered + chats_handled, 0) as aht_s,
        cast(first_responses as bigint) as first_responses,
        cast(first_response_s_sum as double) as first_response_s_sum,
        cast(first_response_s_sum as double) / nullif(first_responses, 0) as avg_first_response_s,
        cast(slow_first_responses as bigint) as slow_first_responses,
        cast(responses as bigint) as responses,
        cast(response_s_sum as double) as response_s_sum,
        cast(response_s_sum as double) / nullif(responses, 0) as avg_response_s,
        cast(chats_assigned as bigint) as chats_assigned,
        cast(chats_replied as bigint) as chats_replied,
        cast(chats_replied as double) / nullif(chats_assigned, 0) as reply_rate,
        cast(agent_messages as bigint) as agent_messages,
        cast(customer_messages as bigint) as customer_messages,
        cast(agent_messages as double) / nullif(customer_messages, 0) as answer_question_ratio,
        cast(resolution_s_sum as double) as resolution_s_sum,
        cast(resolution_s_sum as double) / nullif(tickets_solved, 0) as avg_resolution_s,
        cast(csat_responses as bigint) as csat_responses,
        cast(csat_score_sum as bigint) as csat_score_sum,
        cast(csat_score_sum as double) / nullif(csat_responses, 0) as csat_avg,
        cast(csat_satisfied as bigint) as csat_satisfied,
        cast(csat_satisfied as double) / nullif(csat_responses, 0) as csat_pct,
        cast(negative_reviews as bigint) as negative_reviews,
        cast(positive_reviews as bigint) as positive_reviews,
        cast(negative_reviews as double) / nullif(contacts_owned, 0) as negative_review_rate,
        cast(positive_reviews as double) / nullif(contacts_owned, 0) as positive_review_rate,
        cast(nps_responses as bigint) as nps_responses,
        cast(nps_promoters as bigint) as nps_promoters,
        cast(nps_detractors as bigint) as nps_detractors,
        100.0 * cast(nps_promoters - nps_detractors as double) / nullif(nps_responses, 0) as nps,
        cast(complaints as bigint) as complaints,
        cast(complaints as double) / nullif(contacts_owned, 0) as complaint_rate,
        cast(qa_evaluations as bigint) as qa_evaluations,
        cast(qa_score_sum as double) as qa_score_sum,
        cast(qa_score_sum as double) / nullif(qa_evaluations, 0) as qa_score_avg,
        cast(fcr_eligible_contacts as bigint) as fcr_eligible_contacts,
        cast(fcr_contacts as bigint) as fcr_contacts,
        cast(fcr_contacts as double) / nullif(fcr_eligible_contacts, 0) as fcr_rate,
        cast(repeat_contacts as bigint) as repeat_contacts,
        cast(repeat_contacts as double) / nullif(fcr_eligible_contacts, 0) as repeat_contact_rate,
        cast(presales_customers as bigint) as presales_customers,
        cast(buyers_next_day as bigint) as buyers_next_day,
        cast(buyers_next_day as double) / nullif(presales_customers, 0) as next_day_conversion_rate,
        cast(buyers_final as bigint) as buyers_final,
        cast(buyers_final as double) / nullif(presales_customers, 0) as final_conversion_rate,
        cast(sales_orders as bigint) as sales_orders,
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
        cast(shifts_started as bigint) as shifts_started,
        cast(shifts_attended as bigint) as shifts_attended,
        cast(shifts_on_time as bigint) as shifts_on_time,
        cast(shifts_attended as double) / nullif(shifts_started, 0) as attendance_rate,
        cast(shifts_on_time as double) / nullif(shifts_attended, 0) as punctuality_rate,
        is_final
    from sums
)

select * from final

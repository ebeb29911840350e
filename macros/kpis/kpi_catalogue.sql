{#- The KPI catalogue: the one place a measure or KPI of the daily facts is
    defined. Read by dbt (kpi_catalogue(), macros/kpis/kpi_columns.sql) for
    the columns of fct_agent_daily, fct_team_daily and fct_queue_daily and
    the alert unpivot of fct_kpi_alerts; read by Python (ccw/warehouse/catalogue.py)
    for the marts' column YAML, the semantic layer's measures and metrics
    (`ccw kpis sync` writes them, a test checks they are in sync) and the
    data gate's ranges. Adding a KPI is one entry here and `ccw kpis sync`.

    Two lists, one per fact family, in the facts' column order:
      agent_day  fct_agent_daily (agent x day) and fct_team_daily (its sum
                 over the agents of a team-day)
      queue_day  fct_queue_daily (queue x day)

    A measure entry (additive: any roll-up is a sum):
      measure      column name
      family       the intermediate folder whose agent-day model computes it
                   (models/intermediate/<family>/int_agent_daily_<family>.sql);
                   a list with `sums` for a measure added up from several
                   (handle time: calls' and chats')
      type         column type in the fact
      description  the agent-day text; {who} reads "this agent" / "the team's
                   agents", {whose} "this agent's" / "each agent's";
                   {period} "that day" / "in that interval" (queue_day)
      distinct     true for distinct counts (a team-day sums the agents'
                   distinct counts; the team text says so)

    A KPI entry (a ratio of summed measures, so exact at any grain):
      kpi          column and metric name (metric: the metric's name when it
                   differs, e.g. queue_asa_s)
      label        short name for dashboards and the semantic layer
      numerator    a measure, or {name, sql, description} for a sum of
      denominator  measures (sql over the fact's measures)
      scale        optional factor (NPS: 100)
      unit         seconds | ratio | score | currency | per_unit
      range        [min, max] the value lies in (null: unbounded)
      better       higher | lower
      column       false for a metric-only KPI (no column in the fact)
      definition   what it means; the column's description

    The SQL of a KPI column is
      scale * cast(<numerator> as double) / nullif(<denominator>, 0)
    so it is null when the denominator is 0.
-#}
{% macro kpi_catalogue() %}
{%- set catalogue_yaml -%}
# catalogue:start
agent_day:
  - measure: calls_answered
    family: calls
    type: bigint
    description: Inbound call legs {who} answered (a leg counts as answered once it was picked up, even if later transferred).
  - measure: outbound_calls
    family: calls
    type: bigint
    description: Outbound call legs {who} dialled. They count here and nowhere else (not in handle time or AHT).
  - measure: chats_handled
    family: chats
    type: bigint
    description: Chat conversations {who} owned (the agent who sent the most messages in the conversation; ties go to the one who answered first).
  - measure: contacts_owned
    family: contacts
    type: bigint
    description: 'Handled contacts {who} owned: call contacts (the agent of the last answered leg) plus owned chat conversations.'
  - measure: customers_served
    family: contacts
    type: bigint
    distinct: true
    description: Distinct known customers over the contacts {who} owned that day.
  - measure: tickets_solved
    family: contacts
    type: bigint
    description: Tickets solved or closed (current version) assigned to {who}, counted on the day of `solved_at`.
  - measure: answer_wait_s_sum
    family: calls
    type: double
    description: Total seconds callers waited in queue before {who} answered (sum of wait over calls_answered).
  - kpi: asa_s
    label: Average speed of answer (s)
    numerator: answer_wait_s_sum
    denominator: calls_answered
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average speed of answer: answer_wait_s_sum / calls_answered, in seconds. Null when no call was answered.'
  - measure: hold_s_sum
    family: calls
    type: double
    description: Total seconds callers were put on hold over calls_answered.
  - measure: held_calls
    family: calls
    type: bigint
    description: Of calls_answered, the legs with hold time (hold_s > 0).
  - kpi: hold_rate
    label: Hold rate
    numerator: held_calls
    denominator: calls_answered
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Share of answered calls put on hold: held_calls / calls_answered. Null when no call was answered.'
  - kpi: avg_hold_s
    label: Average hold of held calls (s)
    numerator: hold_s_sum
    denominator: held_calls
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average hold time of the calls put on hold: hold_s_sum / held_calls, in seconds. Null when no call was held.'
  - measure: transfers_out
    family: calls
    type: bigint
    description: Of calls_answered, the legs {who} passed on (transferred out) - answered legs that are not their contact's last answered leg (last by answered_at, then enqueued_at, then call_id, as for the contact's owner).
  - kpi: transfer_rate
    label: Transfer rate
    numerator: transfers_out
    denominator: calls_answered
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Share of answered calls transferred out: transfers_out / calls_answered. Null when no call was answered.'
  - measure: transferred_contacts
    family: calls
    type: bigint
    description: Call contacts {who} owned (the agent of the last answered leg) that were transferred (more than one of their legs answered), on the contact's day.
  - measure: handle_s_sum
    family: [calls, chats]
    sums: [call_handle_s_sum, chat_handle_s_sum]
    type: double
    description: 'Total handle time in seconds: talk (hold included) + after-call work of answered calls, plus chat handle time of owned conversations (message gaps from the first agent message, each gap capped at chat_gap_cap_s).'
  - kpi: aht_s
    label: Average handle time (s)
    numerator: handle_s_sum
    denominator:
      name: handled_interactions
      sql: calls_answered + chats_handled
      description: 'Answered calls plus owned chats: the denominator of AHT.'
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average handle time: handle_s_sum / (calls_answered + chats_handled), in seconds. Null when nothing was handled.'
  - measure: first_responses
    family: chats
    type: bigint
    description: Owned conversations that have a first response (opened by a customer message and answered by an agent; bot-opened conversations have none).
  - measure: first_response_s_sum
    family: chats
    type: double
    description: Total seconds from the customer's first message to the first agent message, over first_responses.
  - kpi: avg_first_response_s
    label: Average first response (s)
    numerator: first_response_s_sum
    denominator: first_responses
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average first response time: first_response_s_sum / first_responses, in seconds. Null when there was no first response.'
  - measure: slow_first_responses
    family: chats
    type: bigint
    description: First responses slower than slow_response_threshold_s (default 60 s).
  - kpi: slow_first_response_rate
    label: Slow first response rate
    numerator: slow_first_responses
    denominator: first_responses
    unit: ratio
    range: [0, 1]
    better: lower
    column: false
    definition: Share of first responses slower than slow_response_threshold_s, slow_first_responses / first_responses (a metric of the semantic layer only).
  - measure: responses
    family: chats
    type: bigint
    description: 'Replies in owned conversations: agent messages that follow one or more customer messages with no agent message between (the first answer is also a reply).'
  - measure: response_s_sum
    family: chats
    type: double
    description: Total reply time in seconds, each reply timed from the first of the customer messages it answers.
  - kpi: avg_response_s
    label: Average reply time (s)
    numerator: response_s_sum
    denominator: responses
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average reply time: response_s_sum / responses, in seconds. Null when there was no reply.'
  - measure: chats_assigned
    family: chats
    type: bigint
    description: Conversations routed (assigned) to {who}, on the conversation's day.
  - measure: chats_replied
    family: chats
    type: bigint
    description: Of chats_assigned, the conversations in which {who} sent at least one message.
  - kpi: reply_rate
    label: Reply rate
    numerator: chats_replied
    denominator: chats_assigned
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Share of assigned chats the agent replied to: chats_replied / chats_assigned. Null when nothing was assigned.'
  - measure: agent_messages
    family: chats
    type: bigint
    description: Agent messages in owned conversations (whichever agent wrote them).
  - measure: customer_messages
    family: chats
    type: bigint
    description: Customer messages in owned conversations.
  - kpi: answer_question_ratio
    label: Answer/question ratio
    numerator: agent_messages
    denominator: customer_messages
    unit: per_unit
    range: [0, null]
    better: higher
    definition: 'Agent messages per customer message in owned conversations: agent_messages / customer_messages. Null when the customer wrote nothing.'
  - measure: resolution_s_sum
    family: contacts
    type: double
    description: Total resolution time in seconds (ticket created to solved) over tickets_solved.
  - kpi: avg_resolution_s
    label: Average resolution time (s)
    numerator: resolution_s_sum
    denominator: tickets_solved
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average ticket resolution time: resolution_s_sum / tickets_solved, in seconds. Null when no ticket was solved.'
  - measure: tickets_solved_reopened
    family: contacts
    type: bigint
    description: Of tickets_solved, those reopened at least once before their last solve (current version's reopen_count > 0).
  - kpi: reopen_rate
    label: Reopen rate
    numerator: tickets_solved_reopened
    denominator: tickets_solved
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Share of solved tickets that had been reopened: tickets_solved_reopened / tickets_solved (a ticket counts on the reporting day of its last solved_at). Null when no ticket was solved.'
  - measure: resolution_sla_tickets
    family: contacts
    type: bigint
    description: Of tickets_solved, those whose SLA policy (seeds/sla_policies.csv, the one in force at creation) sets a resolution target.
  - measure: resolution_sla_met
    family: contacts
    type: bigint
    description: Of resolution_sla_tickets, those solved within the target, in calendar or business seconds as the policy says (int_ticket_sla).
  - kpi: resolution_sla_rate
    label: Resolution SLA met
    numerator: resolution_sla_met
    denominator: resolution_sla_tickets
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Share of solved tickets resolved within their SLA: resolution_sla_met / resolution_sla_tickets (credited to the assignee on the reporting day of solved_at; business time counts only the site''s opening hours, holidays excluded). Null when no solved ticket had a target.'
  - measure: first_response_sla_contacts
    family: contacts
    type: bigint
    description: Owned contacts with a first response (a call's answer wait, a chat's first response) and a first-response target in their SLA policy.
  - measure: first_response_sla_met
    family: contacts
    type: bigint
    description: Of first_response_sla_contacts, those answered within the target, in calendar or business seconds as the policy says (int_contact_sla).
  - kpi: first_response_sla_rate
    label: First-response SLA met
    numerator: first_response_sla_met
    denominator: first_response_sla_contacts
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Share of owned contacts answered within their first-response SLA: first_response_sla_met / first_response_sla_contacts (the contact''s start day; a reply after hours counts only the business seconds before it). Null when no contact had a target.'
  - measure: csat_responses
    family: surveys
    type: bigint
    description: CSAT survey responses (score 1-5) counting for {whose} owned contacts of the day (the latest response per contact).
  - measure: csat_score_sum
    family: surveys
    type: bigint
    description: Sum of CSAT scores over csat_responses.
  - kpi: csat_avg
    label: CSAT average
    numerator: csat_score_sum
    denominator: csat_responses
    unit: score
    range: [1, 5]
    better: higher
    definition: 'Average CSAT score (1-5): csat_score_sum / csat_responses. Null without responses.'
  - measure: csat_satisfied
    family: surveys
    type: bigint
    description: CSAT responses scoring 4 or 5 (satisfied customers).
  - kpi: csat_pct
    label: CSAT satisfied %
    numerator: csat_satisfied
    denominator: csat_responses
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Share of satisfied customers: csat_satisfied / csat_responses. Null without responses.'
  - measure: negative_reviews
    family: surveys
    type: bigint
    description: CSAT responses scoring 1 or 2.
  - measure: positive_reviews
    family: surveys
    type: bigint
    description: CSAT responses scoring 4 or 5.
  - kpi: negative_review_rate
    label: Negative review rate
    numerator: negative_reviews
    denominator: contacts_owned
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Negative reviews per owned contact: negative_reviews / contacts_owned. Null without contacts.'
  - kpi: positive_review_rate
    label: Positive review rate
    numerator: positive_reviews
    denominator: contacts_owned
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Positive reviews per owned contact: positive_reviews / contacts_owned. Null without contacts.'
  - measure: nps_responses
    family: surveys
    type: bigint
    description: NPS survey responses (score 0-10) counting for {whose} owned contacts of the day.
  - measure: nps_promoters
    family: surveys
    type: bigint
    description: NPS responses scoring 9 or 10.
  - measure: nps_detractors
    family: surveys
    type: bigint
    description: NPS responses scoring 0 to 6.
  - kpi: nps
    label: Net promoter score
    numerator:
      name: nps_net_promoters
      sql: nps_promoters - nps_detractors
      description: NPS promoters minus detractors.
    denominator: nps_responses
    scale: 100.0
    unit: score
    range: [-100, 100]
    better: higher
    definition: 'Net promoter score: 100 x (promoters - detractors) / nps_responses, from -100 to 100. Null without responses.'
  - measure: complaints
    family: contacts
    type: bigint
    description: Owned handled contacts linked to a ticket flagged as a complaint.
  - kpi: complaint_rate
    label: Complaint rate
    numerator: complaints
    denominator: contacts_owned
    unit: ratio
    range: [0, 1]
    better: lower
    definition: complaints / contacts_owned. Null without contacts.
  - measure: qa_evaluations
    family: surveys
    type: bigint
    description: Quality-assurance evaluations of {who}, on the day they were evaluated (whether or not the evaluated contact is found).
  - measure: qa_score_sum
    family: surveys
    type: double
    description: Sum of QA scores (0-100) over qa_evaluations.
  - kpi: qa_score_avg
    label: QA score average
    numerator: qa_score_sum
    denominator: qa_evaluations
    unit: score
    range: [0, 100]
    better: higher
    definition: 'Average QA score: qa_score_sum / qa_evaluations. Null without evaluations.'
  - measure: fcr_eligible_contacts
    family: contacts
    type: bigint
    description: 'Owned handled contacts with a known customer: the contacts first-contact resolution and repeat rates are measured over.'
  - measure: fcr_contacts
    family: contacts
    type: bigint
    description: 'Of fcr_eligible_contacts, those resolved on first contact: the customer did not contact us again (any channel) within fcr_window_hours (default 168 h = 7 days) after the contact ended.'
  - kpi: fcr_rate
    label: First-contact resolution rate
    numerator: fcr_contacts
    denominator: fcr_eligible_contacts
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'First-contact resolution rate: fcr_contacts / fcr_eligible_contacts. Null without eligible contacts.'
  - measure: repeat_contacts
    family: contacts
    type: bigint
    description: Of fcr_eligible_contacts, those where the customer had another handled contact that ended within fcr_window_hours before this one started.
  - kpi: repeat_contact_rate
    label: Repeat contact rate
    numerator: repeat_contacts
    denominator: fcr_eligible_contacts
    unit: ratio
    range: [0, 1]
    better: lower
    definition: repeat_contacts / fcr_eligible_contacts. Null without eligible contacts.
  - measure: presales_customers
    family: contacts
    type: bigint
    distinct: true
    description: Distinct known customers of {whose} owned pre-sales contacts (handled contacts linked to a pre_sales ticket), whoever their order was later credited to.
  - measure: buyers_next_day
    family: sales
    type: bigint
    distinct: true
    description: Of presales_customers, customers with an order credited to {whose} day (last touch) paid on the contact day or the day after.
  - kpi: next_day_conversion_rate
    label: Next-day conversion rate
    numerator: buyers_next_day
    denominator: presales_customers
    unit: ratio
    range: [0, 1]
    better: higher
    definition: buyers_next_day / presales_customers. Null without pre-sales customers.
  - measure: buyers_final
    family: sales
    type: bigint
    distinct: true
    description: Of presales_customers, customers with an order credited to {whose} day paid within conversion_window_days (default 3) of the contact day.
  - kpi: final_conversion_rate
    label: Final conversion rate
    numerator: buyers_final
    denominator: presales_customers
    unit: ratio
    range: [0, 1]
    better: higher
    definition: buyers_final / presales_customers. Null without pre-sales customers.
  - measure: sales_orders
    family: sales
    type: bigint
    description: 'Paid orders credited to {whose} day: each paid order goes to the customer''s latest pre-sales contact started before payment and at most conversion_window_days before the paid day.'
  - measure: sales_amount
    family: sales
    type: decimal(18,2)
    description: Total value of sales_orders (one currency).
  - measure: sales_units
    family: sales
    type: bigint
    description: Total items in sales_orders.
  - kpi: aov
    label: Average order value per buyer
    numerator: sales_amount
    denominator: buyers_final
    unit: currency
    range: [0, null]
    better: higher
    definition: 'Average order value per buyer: sales_amount / buyers_final. Null without buyers.'
  - kpi: units_per_buyer
    label: Units per buyer
    numerator: sales_units
    denominator: buyers_final
    unit: per_unit
    range: [0, null]
    better: higher
    definition: sales_units / buyers_final. Null without buyers.
  - measure: scheduled_s
    family: workforce
    type: double
    description: Seconds of scheduled shift falling in this reporting day (shifts crossing midnight are split).
  - measure: logged_in_s
    family: workforce
    type: double
    description: Seconds in any state other than offline during the day.
  - measure: available_s
    family: workforce
    type: double
    description: Seconds in state available (waiting for a contact).
  - measure: on_contact_s
    family: workforce
    type: double
    description: Seconds in state on_contact (talking or chatting).
  - measure: acw_s
    family: workforce
    type: double
    description: Seconds in after-contact work.
  - measure: break_s
    family: workforce
    type: double
    description: Seconds on break.
  - measure: adherent_s
    family: workforce
    type: double
    description: Seconds inside a scheduled shift spent available, on a contact or in after-contact work.
  - kpi: adherence_rate
    label: Schedule adherence
    numerator: adherent_s
    denominator: scheduled_s
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Schedule adherence: adherent_s / scheduled_s. Null when nothing was scheduled.'
  - measure: shift_break_s
    family: workforce
    type: double
    description: Seconds inside a scheduled shift spent on break.
  - kpi: shrinkage_rate
    label: Shrinkage
    numerator:
      name: shrinkage_s
      sql: scheduled_s - adherent_s
      description: 'Scheduled seconds not available for contacts: breaks, absence, late starts, early leaves and offline time inside a shift (scheduled_s - adherent_s).'
    denominator: scheduled_s
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Shrinkage: share of scheduled time not available for contacts, (scheduled_s - adherent_s) / scheduled_s (breaks, absence, lateness and offline time in a shift; the schedule carries no planned activities, so shrinkage = 1 - adherence_rate). Null when nothing was scheduled.'
  - kpi: break_shrinkage_rate
    label: Break shrinkage
    numerator: shift_break_s
    denominator: scheduled_s
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'The part of shrinkage spent on breaks: shift_break_s / scheduled_s; shrinkage_rate - break_shrinkage_rate is absence, lateness and offline time. Null when nothing was scheduled.'
  - kpi: occupancy_rate
    label: Occupancy
    numerator:
      name: working_s
      sql: on_contact_s + acw_s
      description: Seconds on contacts or in after-contact work.
    denominator:
      name: ready_s
      sql: available_s + on_contact_s + acw_s
      description: 'Seconds available, on contacts or in after-contact work: the denominator of occupancy.'
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Occupancy: share of ready time spent working contacts, (on_contact_s + acw_s) / (available_s + on_contact_s + acw_s). Null without ready time.'
  - measure: shifts_started
    family: workforce
    type: bigint
    description: Scheduled shifts starting on this day.
  - measure: shifts_attended
    family: workforce
    type: bigint
    description: Of shifts_started, shifts in which the agent had any non-offline time.
  - measure: shifts_on_time
    family: workforce
    type: bigint
    description: Of shifts_attended, shifts where the agent's first non-offline state began no later than shift start + late_grace_s (default 300 s).
  - kpi: attendance_rate
    label: Attendance rate
    numerator: shifts_attended
    denominator: shifts_started
    unit: ratio
    range: [0, 1]
    better: higher
    definition: shifts_attended / shifts_started. Null without shifts.
  - kpi: punctuality_rate
    label: Punctuality rate
    numerator: shifts_on_time
    denominator: shifts_attended
    unit: ratio
    range: [0, 1]
    better: higher
    definition: shifts_on_time / shifts_attended. Null without attended shifts.

queue_day:
  - measure: offered
    type: bigint
    description: Inbound call legs that entered the queue {period}.
  - measure: answered
    type: bigint
    description: Offered legs an agent picked up (answered_at set, whatever the disposition).
  - measure: answered_within_sl
    type: bigint
    description: Answered legs whose wait was at most service_level_s (default 20 s).
  - measure: abandoned
    type: bigint
    description: Legs the caller abandoned after waiting at least short_abandon_s (default 5 s); exactly 5 s counts as abandoned.
  - measure: short_abandons
    type: bigint
    description: 'Abandoned legs with a queue time under short_abandon_s: callers who hung up almost at once, left out of service level and abandonment rate.'
  - kpi: service_level
    label: Service level
    numerator: answered_within_sl
    denominator: &sl_offered
      name: sl_offered
      sql: offered - short_abandons
      description: 'Offered minus short abandons: the denominator of service level and abandonment.'
    unit: ratio
    range: [0, 1]
    better: higher
    definition: 'Service level: answered_within_sl / (offered - short_abandons). Null when nothing counts.'
  - kpi: abandonment_rate
    label: Abandonment rate
    numerator: abandoned
    denominator: *sl_offered
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Abandonment rate: abandoned / (offered - short_abandons). Null when nothing counts.'
  - measure: answer_wait_s_sum
    type: double
    description: Total seconds callers waited before being answered, over answered legs.
  - kpi: asa_s
    metric: queue_asa_s
    label: Queue average speed of answer (s)
    numerator: answer_wait_s_sum
    denominator: answered
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average speed of answer: answer_wait_s_sum / answered, in seconds. Null when nothing was answered.'
  - measure: handle_s_sum
    type: double
    description: 'Total handle seconds of the answered legs: talk (answered_at to ended_at, hold included) plus after-call work.'
  - kpi: aht_s
    metric: queue_aht_s
    label: Queue average handle time (s)
    numerator: handle_s_sum
    denominator: answered
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average handle time of the queue''s answered legs: handle_s_sum / answered, in seconds (each leg of a transferred call is handled on its own). Null when nothing was answered.'
  - measure: hold_s_sum
    type: double
    description: Total hold seconds over the answered legs.
  - measure: held_calls
    type: bigint
    description: Answered legs with hold time (hold_s > 0).
  - kpi: hold_rate
    metric: queue_hold_rate
    label: Queue hold rate
    numerator: held_calls
    denominator: answered
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Share of answered legs put on hold: held_calls / answered. Null when nothing was answered.'
  - kpi: avg_hold_s
    metric: queue_avg_hold_s
    label: Queue average hold of held calls (s)
    numerator: hold_s_sum
    denominator: held_calls
    unit: seconds
    range: [0, null]
    better: lower
    definition: 'Average hold time of the legs put on hold: hold_s_sum / held_calls, in seconds. Null when no leg was held.'
  - measure: transfers_out
    type: bigint
    description: Answered legs of the queue that are not their contact's last answered leg (the agent passed the call on).
  - kpi: transfer_rate
    metric: queue_transfer_rate
    label: Queue transfer rate
    numerator: transfers_out
    denominator: answered
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Share of answered legs transferred out: transfers_out / answered. Null when nothing was answered.'
  - measure: transferred_contacts
    type: bigint
    description: Call contacts whose first (root) leg entered the queue {period} and that were transferred (more than one of their legs answered).
# catalogue:end
{%- endset -%}
{{ return(fromyaml(catalogue_yaml)) }}
{% endmacro %}

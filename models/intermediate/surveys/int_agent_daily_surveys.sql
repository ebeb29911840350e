{{ config(materialized='view', window_column='activity_date') }}

{#- Agent-day customer feedback and quality: the counting CSAT and NPS
    responses of the handled contacts an agent owned (on the contact's
    reporting day), and the agent's QA evaluations (on the reporting day of
    `evaluated_at`). -#}

with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

surveys as (
    select * from {{ ref('int_surveys_attributed') }}
),

qa_evaluations as (
    select * from {{ ref('stg_crm__qa_evaluations') }}
),

counting_surveys as (
    select
        contacts.owner_agent_id as agent_id,
        contacts.activity_date,
        surveys.survey,
        surveys.score
    from surveys
    inner join contacts
        on surveys.contact_id = contacts.contact_id
    where
        surveys.is_counting
        and contacts.is_handled
        and contacts.owner_agent_id is not null
),

responses as (
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

evaluations as (
    select
        agent_id,
        {{ reporting_date('evaluated_at') }} as activity_date,
        count(*) as qa_evaluations,
        sum(score) as qa_score_sum
    from qa_evaluations
    where agent_id is not null
    group by agent_id, {{ reporting_date('evaluated_at') }}
),

{{ agent_days_joined([
    ('responses', ['csat_responses', 'csat_score_sum', 'csat_satisfied', 'negative_reviews', 'positive_reviews', 'nps_responses', 'nps_promoters', 'nps_detractors']),
    ('evaluations', ['qa_evaluations', 'qa_score_sum']),
]) }}

select * from final

with

responses as (
    select * from {{ ref('stg_survey__responses') }}
),

legs as (
    select * from {{ ref('int_call_legs_assembled') }}
),

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

by_call_id as (
    -- a call_id of a known leg (transferred legs included) that belongs to
    -- a call contact attaches to that contact
    select
        responses.response_id,
        'call-' || legs.contact_root_call_id as contact_id
    from responses
    inner join legs
        on responses.call_id = legs.call_id
    where legs.contact_root_call_id is not null
),

fallback_candidates as (
    -- the customer's contacts on the same channel that ended in
    -- [sent_at - survey_match_hours, sent_at]; the latest by start wins
    select
        responses.response_id,
        contacts.contact_id,
        row_number() over (
            partition by responses.response_id
            order by contacts.started_at desc, contacts.contact_id desc
        ) as candidate_rank
    from responses
    inner join contacts
        on
            responses.customer_id = contacts.customer_id
            and case responses.channel when 'phone' then 'call' when 'chat' then 'chat' end
            = contacts.contact_type
            and responses.sent_at >= contacts.ended_at
            and {{ add_seconds('responses.sent_at', '-' ~ var('survey_match_hours') ~ ' * 3600') }}
            <= contacts.ended_at
    where responses.response_id not in (select by_call_id.response_id from by_call_id)
),

attributed as (
    select
        responses.response_id,
        responses.survey,
        responses.channel,
        responses.score,
        responses.customer_id,
        responses.call_id,
        responses.sent_at,
        responses.responded_at,
        coalesce(by_call_id.contact_id, fallback_candidates.contact_id) as contact_id,
        case
            when by_call_id.contact_id is not null then 'call_id'
            when fallback_candidates.contact_id is not null then 'fallback'
        end as attribution_method
    from responses
    left join by_call_id
        on responses.response_id = by_call_id.response_id
    left join fallback_candidates
        on
            responses.response_id = fallback_candidates.response_id
            and fallback_candidates.candidate_rank = 1
),

ranked as (
    select
        *,
        row_number() over (
            partition by contact_id, survey
            order by responded_at desc, response_id desc
        ) as response_rank
    from attributed
),

final as (
    select
        ranked.response_id,
        ranked.survey,
        ranked.channel,
        ranked.score,
        ranked.customer_id,
        ranked.call_id,
        ranked.sent_at,
        ranked.responded_at,
        ranked.contact_id,
        ranked.attribution_method,
        ranked.contact_id is not null and ranked.response_rank = 1 as is_counting,
        contacts.owner_agent_id as contact_owner_agent_id,
        contacts.activity_date as contact_activity_date
    from ranked
    left join contacts
        on ranked.contact_id = contacts.contact_id
)

select * from final

{#- Incremental (macros/incremental.sql, replace_recomputed_keys on
    response_id). A response's row depends on its own row, the contacts it
    can be attributed to, the call legs its call_id names, and the other
    responses of its contact and survey (which one counts). A load
    recomputes
      a) the responses whose row it changed (base_survey__responses),
      b) the responses sent on or after the load window's first reporting
         midnight: a fallback candidate ended before the response was sent,
         and only contacts of the window (activity_date on or after its
         start, so started and ended after that midnight) can have changed,
      c) the responses whose call_id names a leg of the window,
      d) the responses attributed to a contact of the window (its owner,
         date or existence may have changed),
    then every other response of a contact those are or were attributed to
    (whether it counts), and replaces their rows; a response the load
    rejected is deleted. The window reaches back to the contact of every
    call a changed response or leg names (int_load_window), so b) and c)
    already hold most of d) and of the contacts' other responses (the
    tests' cases); d) and that last step keep the rule local, for a change
    the window does not reach (a transferred leg rejected by a later
    version leaves its old contact's other responses to re-rank). Rebuilt
    in full it cost 2.0-2.8 s of a year-scale daily load. -#}
-- depends_on: {{ ref('int_load_window') }} (a load reads the window's start)
{{ config(
    materialized='incremental',
    incremental_strategy='replace_recomputed_keys',
    changed_keys=['response_id'],
    on_schema_change='fail',
) }}

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

{% if is_incremental() -%}
{%- set window_midnight = reporting_midnight_utc("date '" ~ load_window_start_date() ~ "'") -%}
previous as (
    select * from {{ this }}
),

recomputed_ids as (
    -- a) rows the load changed: new or changed, and gone (rejected now)
    select response_id from responses
    where {{ changed_keys_predicate() }}

    union

    select response_id from previous
    where {{ changed_keys_predicate() }}

    union

    -- b) sent after the window's first midnight
    select response_id from responses
    where sent_at >= {{ window_midnight }}

    union

    -- c) call_id of a leg of the window (a leg the load changed, removed or
    -- moved to another contact is there, and so is its old contact: the
    -- window reaches back to the contact of every call a changed leg names,
    -- int_load_window)
    select response_id from responses
    where
        call_id in (
            select legs.call_id from legs
            where {{ load_window_predicate(column='activity_date', kind='date') }}
        )

    union

    -- d) attributed to a contact of the window
    select response_id from previous
    where {{ load_window_predicate(column='contact_activity_date', kind='date') }}
),

scoped_responses as (
    select * from responses
    where response_id in (select recomputed_ids.response_id from recomputed_ids)
),

{%- else %}

scoped_responses as (
    select * from responses
),

{%- endif %}

by_call_id as (
    -- a call_id of a known leg (transferred legs included) that belongs to
    -- a call contact attaches to that contact
    select
        scoped_responses.response_id,
        'call-' || legs.contact_root_call_id as contact_id
    from scoped_responses
    inner join legs
        on scoped_responses.call_id = legs.call_id
    where legs.contact_root_call_id is not null
),

fallback_candidates as (
    -- the customer's contacts on the same channel that ended in
    -- [sent_at - survey_match_hours, sent_at]; the latest by start wins
    select
        scoped_responses.response_id,
        contacts.contact_id,
        row_number() over (
            partition by scoped_responses.response_id
            order by contacts.started_at desc, contacts.contact_id desc
        ) as candidate_rank
    from scoped_responses
    inner join contacts
        on
            scoped_responses.customer_id = contacts.customer_id
            and case scoped_responses.channel when 'phone' then 'call' when 'chat' then 'chat' end
            = contacts.contact_type
            and scoped_responses.sent_at >= contacts.ended_at
            and {{ add_seconds('scoped_responses.sent_at', '-' ~ var('survey_match_hours') ~ ' * 3600') }}
            <= contacts.ended_at
    where scoped_responses.response_id not in (select by_call_id.response_id from by_call_id)
),

attributed as (
    select
        scoped_responses.response_id,
        scoped_responses.survey,
        scoped_responses.channel,
        scoped_responses.score,
        scoped_responses.customer_id,
        scoped_responses.call_id,
        scoped_responses.sent_at,
        scoped_responses.responded_at,
        coalesce(by_call_id.contact_id, fallback_candidates.contact_id) as contact_id,
        case
            when by_call_id.contact_id is not null then 'call_id'
            when fallback_candidates.contact_id is not null then 'fallback'
        end as attribution_method
    from scoped_responses
    left join by_call_id
        on scoped_responses.response_id = by_call_id.response_id
    left join fallback_candidates
        on
            scoped_responses.response_id = fallback_candidates.response_id
            and fallback_candidates.candidate_rank = 1
),

{% if is_incremental() -%}
touched_contacts as (
    -- the contacts the recomputed responses are or were attributed to
    select contact_id from attributed
    union
    select previous.contact_id from previous
    inner join recomputed_ids
        on previous.response_id = recomputed_ids.response_id
),

all_attributed as (
    select * from attributed

    union all

    -- the other responses of those contacts: their attribution is unchanged
    -- (none of their inputs changed), whether they count may not be
    select
        response_id,
        survey,
        channel,
        score,
        customer_id,
        call_id,
        sent_at,
        responded_at,
        contact_id,
        attribution_method
    from previous
    where
        contact_id in (select touched_contacts.contact_id from touched_contacts)
        and response_id not in (select recomputed_ids.response_id from recomputed_ids)
),

{%- else %}

all_attributed as (
    select * from attributed
),

{%- endif %}

ranked as (
    select
        *,
        row_number() over (
            partition by contact_id, survey
            order by responded_at desc, response_id desc
        ) as response_rank
    from all_attributed
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
        contacts.activity_date as contact_activity_date,
        '{{ invocation_id }}' as attributed_in
    from ranked
    left join contacts
        on ranked.contact_id = contacts.contact_id
)

select * from final

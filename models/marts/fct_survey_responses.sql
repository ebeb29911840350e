{#- Every valid survey response (out-of-range scores are rejected in
    staging), with the contact it was attributed to (null when none) and
    whether it is the response that counts for that contact. The free-text
    comment is deliberately left out (PII). The contact's owner and date
    come with the attribution (int_surveys_attributed joins the contact
    once), not from a second join to the contacts.
    Incremental as int_surveys_attributed (replace_recomputed_keys on
    response_id): a load rewrites the responses that model recomputed in it
    (attributed_in) and deletes the ones it rejected. Rebuilt in full it
    cost 0.9-1.4 s of a year-scale daily load. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_recomputed_keys',
    changed_keys=['response_id'],
    on_schema_change='fail',
) }}

with

surveys as (
    select * from {{ ref('int_surveys_attributed') }}
    {%- if is_incremental() %}
    -- incremental: the responses recomputed by this load
    where attributed_in = '{{ invocation_id }}'
    {%- endif %}
),

final as (
    select
        surveys.response_id,
        surveys.survey,
        surveys.channel,
        cast(surveys.score as integer) as score,
        surveys.customer_id,
        surveys.contact_id,
        surveys.contact_owner_agent_id as owner_agent_id,
        cast(surveys.contact_activity_date as date) as contact_activity_date,
        surveys.attribution_method,
        coalesce(surveys.is_counting, false) as is_counting,
        surveys.sent_at,
        surveys.responded_at,
        {{ reporting_date('surveys.responded_at') }} as responded_date
    from surveys
)

select * from final

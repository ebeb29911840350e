{{ config(materialized='table') }}

{#- Every entity of raw_contract(): every base model feeds the window. -#}
{%- set entities = raw_contract().keys() | list %}

with

{% for entity in entities %}
changed_{{ entity }} as (
    select
        '{{ entity }}' as entity,
        count(*) as changed_rows,
        min(impact_date) as earliest_impact_date
    from {{ ref('base_' ~ entity) }}
    where changed_in = '{{ invocation_id }}'
),

{% endfor %}
customer_versions as (
    select
        customer_id,
        phone_normalized,
        changed_in = '{{ invocation_id }}' as is_changed
    from {{ ref('base_crm__customers') }}
    where is_valid
),

changed_customer_ids as (
    select distinct customer_id
    from customer_versions
    where is_changed
),

changed_customers as (
    -- customers with a version changed by this invocation, and whether the
    -- change can move a call to or from them: a new customer, or one whose
    -- versions do not all share one phone
    select
        customer_versions.customer_id,
        bool_and(customer_versions.is_changed)
        or count(distinct coalesce(customer_versions.phone_normalized, '')) > 1 as can_move_calls
    from customer_versions
    inner join changed_customer_ids
        on customer_versions.customer_id = changed_customer_ids.customer_id
    group by customer_versions.customer_id
),

shared_phones as (
    select phone_normalized
    from customer_versions
    where phone_normalized is not null
    group by phone_normalized
    having count(distinct customer_id) > 1
),

changed_customer_phones as (
    -- matching a call to a customer uses the current versions' phones (spec):
    -- a changed customer can move the calls from its numbers (any date) when
    -- it is new, its phone changed, or another customer shares the number
    select distinct customer_versions.phone_normalized
    from customer_versions
    inner join changed_customers
        on customer_versions.customer_id = changed_customers.customer_id
    where
        customer_versions.phone_normalized is not null
        and (
            changed_customers.can_move_calls
            or customer_versions.phone_normalized in (
                select shared_phones.phone_normalized from shared_phones
            )
        )
),

changed_customers_calls as (
    select
        'crm__customers (calls by phone)' as entity,
        0 as changed_rows,
        min({{ reporting_date('calls.enqueued_at') }}) as earliest_impact_date
    from {{ ref('stg_telephony__calls') }} as calls
    inner join changed_customer_phones
        on calls.caller_phone_normalized = changed_customer_phones.phone_normalized
),

new_agents as (
    -- an agent's earliest version also sets team and site of the days before
    -- it (spec): a changed earliest version reaches every earlier day
    select
        'crm__agents (earliest version)' as entity,
        0 as changed_rows,
        case when count(*) > 0 then date '1900-01-01' end as earliest_impact_date
    from {{ ref('base_crm__agents') }} as changed
    where
        changed.changed_in = '{{ invocation_id }}'
        and changed.is_clean
        and not exists (
            select 1 as found
            from {{ ref('base_crm__agents') }} as earlier
            where
                earlier.agent_id = changed.agent_id
                and earlier.is_clean
                and earlier.updated_at < changed.updated_at
        )
),

agent_versions as (
    -- the clean versions of the agents this invocation changed, newest first,
    -- and newest first among those it did not change (agents are versioned
    -- by history: a clean version stays clean, so the newest unchanged one
    -- was the current version before this invocation)
    select
        agent_id,
        site,
        changed_in = '{{ invocation_id }}' as is_changed,
        row_number() over (partition by agent_id order by updated_at desc) as recency,
        row_number() over (
            partition by agent_id, changed_in = '{{ invocation_id }}'
            order by updated_at desc
        ) as recency_in_kind
    from {{ ref('base_crm__agents') }}
    where
        is_clean
        and agent_id in (
            select changed_agents.agent_id from {{ ref('base_crm__agents') }} as changed_agents
            where changed_agents.changed_in = '{{ invocation_id }}'
        )
),

moved_agents as (
    -- an agent whose new current version names another site: business hours
    -- are the current site's for every SLA of theirs, whatever its date
    -- (int_contact_sla, int_ticket_sla), so every earlier day is reached
    select
        'crm__agents (site of the current version)' as entity,
        0 as changed_rows,
        case when count(*) > 0 then date '1900-01-01' end as earliest_impact_date
    from agent_versions as now_current
    inner join agent_versions as was_current
        on now_current.agent_id = was_current.agent_id
    where
        now_current.recency = 1
        and now_current.is_changed
        and was_current.recency_in_kind = 1
        and not was_current.is_changed
        and now_current.site is distinct from was_current.site
),

changed_call_references as (
    -- rows that name a call leg by id: a survey response's call_id (it
    -- belongs to that leg's call contact, however much later it was sent:
    -- spec, survey attribution) and a transferred leg's root_call_id
    select call_id
    from {{ ref('base_survey__responses') }}
    where changed_in = '{{ invocation_id }}' and call_id is not null
    union all
    select call_id
    from {{ ref('base_telephony__calls') }}
    where changed_in = '{{ invocation_id }}' and root_call_id is not null
),

changed_call_contacts as (
    -- such a row changes the call contact of the leg's root, dated by the
    -- root leg (int_call_contacts_assembled), which can be earlier than the
    -- row's own impact_date by more than the lookback
    select
        'survey__responses, telephony__calls (their call contact)' as entity,
        0 as changed_rows,
        min({{ reporting_date('roots.enqueued_at') }}) as earliest_impact_date
    from changed_call_references
    inner join {{ ref('stg_telephony__calls') }} as legs
        on changed_call_references.call_id = legs.call_id
    inner join {{ ref('stg_telephony__calls') }} as roots
        on coalesce(legs.root_call_id, legs.call_id) = roots.call_id
),

changes as (
    {%- for entity in entities %}
    select * from changed_{{ entity }}
    union all
    {%- endfor %}
    select * from changed_customers_calls
    union all
    select * from changed_call_contacts
    union all
    select * from new_agents
    union all
    select * from moved_agents
),

final as (
    select
        '{{ invocation_id }}' as invocation_id,
        cast(sum(changed_rows) as bigint) as changed_rows,
        min(earliest_impact_date) as changes_start_date,
        {{ load_lookback_days() }} as lookback_days,
        {%- for entity in entities %}
        -- the window of a model whose rows depend on {{ entity }} alone
        -- (load_window_config's entities): its changed rows only
        cast(
            min(case when entity = '{{ entity }}' then earliest_impact_date end)
            - {{ load_lookback_days() }} as date
        ) as {{ entity }}_window_start_date,
        {%- endfor %}
        cast(min(earliest_impact_date) - {{ load_lookback_days() }} as date) as window_start_date
    from changes
)

select * from final

{#- The agent-day models of the KPI families combine measures from several
    inputs, each aggregated to (agent_id, activity_date). This writes the
    two CTEs that put them side by side: `agent_days` (every agent-day any
    of them has) and `final` (each input's columns left-joined onto it;
    null where that input has no row).

    parts: [(cte name, [column, ...]), ...] -#}
{% macro agent_days_joined(parts) -%}
agent_days as (
    {%- for name, columns in parts %}
    select
        agent_id,
        activity_date
    from {{ name }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        agent_days.agent_id,
        agent_days.activity_date,
        {%- for name, columns in parts %}
        {%- set outer = loop %}
        {%- for column in columns %}
        {{ name }}.{{ column }}{{ ',' if not (outer.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from agent_days
    {%- for name, columns in parts %}
    left join {{ name }}
        on
            agent_days.agent_id = {{ name }}.agent_id
            and agent_days.activity_date = {{ name }}.activity_date
    {%- endfor %}
)
{%- endmacro %}

{#- The rank of an answered inbound leg among its contact's answered legs,
    latest first (answered_at, then enqueued_at, then call_id, all
    descending: the rule that makes the last one the contact's owner in
    int_call_contacts_assembled); 1 = the last answered leg, > 1 = a leg the
    agent passed on (a transfer out); null for other legs. -#}
{% macro last_answered_leg_rank() -%}
    case
        when contact_root_call_id is not null and is_answered
            then row_number() over (
                partition by contact_root_call_id, (contact_root_call_id is not null and is_answered)
                order by answered_at desc, enqueued_at desc, call_id desc
            )
    end
{%- endmacro %}

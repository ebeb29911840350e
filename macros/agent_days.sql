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

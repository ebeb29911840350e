{{ config(materialized='table') }}

{#- The entities, in raw_contract() order: every base model feeds the window. -#}
{%- set entities = [
    'crm__agents', 'crm__customers', 'crm__tickets', 'crm__orders', 'crm__qa_evaluations',
    'telephony__calls', 'messaging__messages', 'survey__responses', 'wfm__schedules', 'wfm__agent_states',
] %}

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
changes as (
    {%- for entity in entities %}
    select * from changed_{{ entity }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        '{{ invocation_id }}' as invocation_id,
        cast(sum(changed_rows) as bigint) as changed_rows,
        min(earliest_impact_date) as changes_start_date,
        {{ load_lookback_days() }} as lookback_days,
        cast(min(earliest_impact_date) - {{ load_lookback_days() }} as date) as window_start_date
    from changes
)

select * from final

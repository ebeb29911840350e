{#- Staging rule 3, version: which valid row of a record wins, then the
    row's outcome (reason code, is_valid, is_superseded, is_clean,
    is_pending, impact_date, changed_in). Part of staging_resolved_rows. -#}
{% macro staging_version(entity_name, versioning) -%}
{%- set spec = raw_entity(entity_name) %}
{%- set group_key = ['scope_key'] if versioning == 'latest' else spec['key'] %}
{%- if versioning == 'latest' %}

latest as (
    -- rule 3: the latest updated_at wins ...
    select
        scope_key,
        max(updated_at) as latest_updated_at
    from linked
    where reason_code is null
    group by scope_key
),
{%- endif %}

winners as (
    -- rule 3: {{ {'latest': '... and among versions tied on it', 'history': 'versions tied on the record key', 'event': 'rows sharing the key'}[versioning] }}: the smallest md5(raw_record) wins
    select
        {%- for k in group_key %}
        linked.{{ k }},
        {%- endfor %}
        min(linked.raw_record_md5) as winner_md5
    from linked
    {%- if versioning == 'latest' %}
    inner join latest
        on
            linked.scope_key = latest.scope_key
            and linked.updated_at = latest.latest_updated_at
    {%- endif %}
    where linked.reason_code is null
    group by
        {%- for k in group_key %}
        linked.{{ k }}{{ ',' if not loop.last }}
        {%- endfor %}
),

versioned as (
    select
        linked.*,
        coalesce(linked.reason_code is null and linked.raw_record_md5 != winners.winner_md5, false)
            as is_superseded
    from linked
    left join winners
        on
            {% for k in group_key %}linked.{{ k }} = winners.{{ k }}{{ '\n            and ' if not loop.last }}{% endfor %}
),
{%- endmacro %}

{#- The resolved row: contract columns (links replaced by their resolved
    value), outcome flags and `changed_in` (this invocation, when the row is
    new or its outcome changed). -#}
{% macro staging_decide(entity_name, references, self_reference, links, impact_date, extra_columns) -%}
{%- set pending_reasons = references | map(attribute='reason') | list
    + ([self_reference['reason']] if self_reference else []) -%}
{%- set link_replace = {} -%}
{%- for l in links -%}{%- do link_replace.update({l['column']: '_link_' ~ loop.index}) -%}{%- endfor %}
decided as (
    select
        {{ contract_column_list(entity_name, replace=link_replace) }},
        {%- for expression, name in extra_columns %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        source_file,
        record_key,
        scope_key,
        case when reason_code is not null then raw_record end as raw_record,
        raw_record_md5,
        duplicate_copies,
        reason_code,
        reason_code is null as is_valid,
        is_superseded,
        reason_code is null and not is_superseded as is_clean,
        -- pending: rejected by a reference rule (its target may still arrive)
        {% if pending_reasons -%}
        coalesce(reason_code in ('{{ pending_reasons | unique | join("', '") }}'), false)
        {%- else -%}
        false
        {%- endif %}
        {%- for l in links %}
        or ({{ l['column'] }} is not null and _link_{{ loop.index }} is null)
        {%- endfor %} as is_pending,
        cast({{ impact_date }} as date) as impact_date
    from versioned
),

final as (
    select
        decided.*,
        {%- if is_incremental() %}
        case
            when previous.raw_record_md5 is null then '{{ invocation_id }}'
            when previous.is_clean != decided.is_clean then '{{ invocation_id }}'
            {%- for l in links %}
            when previous._previous_link_{{ loop.index }} is distinct from decided.{{ l['column'] }}
                then '{{ invocation_id }}'
            {%- endfor %}
            else previous.changed_in
        end as changed_in
        {%- else %}
        '{{ invocation_id }}' as changed_in
        {%- endif %}
    from decided
    {%- if is_incremental() %}
    left join previous
        on decided.raw_record_md5 = previous.raw_record_md5
    {%- endif %}
)

select * from final
{%- endmacro %}

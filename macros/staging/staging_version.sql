{#- Staging rule 3, version: which valid row of a record wins, then the
    row's outcome (reason code, is_valid, is_superseded, is_clean,
    is_pending, impact_date, changed_in). Part of staging_resolved_rows. -#}
{% macro staging_version(entity_name, versioning) -%}
{%- set spec = raw_entity(entity_name) %}
{%- set group_key = ['scope_key'] if versioning == 'latest' else spec['key'] %}
{%- set carried = staging_versioned_columns(entity_name) %}
{%- if versioning == 'latest' %}

versioned as (
    -- rule 3: the latest updated_at of the record's valid rows wins, and among
    -- valid versions tied on it the smallest record hash: the first row
    -- of the record in that order. A valid row without updated_at never wins,
    -- and supersedes nothing when no valid row has one. One window (an ordered
    -- pass over the record's rows) instead of two: the latest updated_at, then
    -- the smallest hash among the rows that carry it (a year of tickets,
    -- base_crm__tickets 5.5-5.8 s -> 4.3-4.5 s, the same rows)
    select
        {{ carried | join(', ') }},
        coalesce(
            reason_code is null
            and raw_record_hash != first_value(
                case when updated_at is not null then raw_record_hash end
            ) over (
                partition by {{ group_key | join(', ') }}
                order by reason_code is null desc, updated_at desc nulls last, raw_record_hash
            ),
            false
        ) as is_superseded
    from linked
),
{%- else %}

contested as (
    -- rule 3: {{ {'history': 'valid versions tied on the record key', 'event': 'valid rows sharing the key'}[versioning] }}: the smallest record hash wins.
    -- Only a key with more than one valid row has a loser: an aggregate
    -- that keeps those keys (a few), joined back, instead of a window over
    -- every row (a year of chat events, base_messaging__messages run
    -- alone, 4 runs each alternately: median CPU 29.0 -> 25.7 s, wall
    -- 15.1 -> 13.3 s, the same rows). A valid row has every key column (a
    -- blank or unparseable one is a row reason), so the equality join
    -- matches what the window's partition grouped.
    select
        {{ group_key | join(', ') }},
        min(raw_record_hash) as winning_hash
    from linked
    where
        reason_code is null
        -- only a scope key with more than one physical row can have rival
        -- versions (staging_dedupe's is_scope_shared)
        and is_scope_shared
    group by {{ group_key | join(', ') }}
    having count(*) > 1
),

versioned as (
    select
        {%- for c in carried %}
        linked.{{ c }},
        {%- endfor %}
        coalesce(
            linked.reason_code is null
            and linked.raw_record_hash != contested.winning_hash,
            false
        ) as is_superseded
    from linked
    left join contested
        on
            {%- for k in group_key %}
            {% if not loop.first %}and {% endif %}linked.{{ k }} = contested.{{ k }}
            {%- endfor %}
),
{%- endif %}
{%- endmacro %}

{#- The resolved row: contract columns (links replaced by their resolved
    value), outcome flags and `changed_in` (this invocation, when the row is
    new, its outcome, resolved link or reason changed, or, rejected, the
    file it is shown from). The raw record's JSON text is shown for
    rejected rows only (null on every other row). -#}
{% macro staging_decide(entity_name, parsed, references, self_reference, links, impact_date, extra_columns) -%}
{%- set pending_reasons = references | map(attribute='reason') | list
    + ([self_reference['reason']] if self_reference else []) -%}
{%- set link_replace = {} -%}
{%- for l in links -%}{%- do link_replace.update({l['column']: '_link_' ~ loop.index}) -%}{%- endfor %}
{%- set leading = contract_column_names(entity_name) + extra_columns | map(attribute=1) | list
    + ['source_file', 'record_key', 'scope_key'] %}
{%- set trailing = ['raw_record_hash', 'duplicate_copies', 'reason_code', 'is_valid', 'is_superseded', 'is_clean',
                    'is_pending', 'impact_date'] %}
{{ staging_outcome_rows(entity_name, parsed) }}

decided as (
    select
        {{ contract_column_list(entity_name, replace=link_replace) }},
        {%- for expression, name in extra_columns %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        source_file,
        -- the raw key text of rejected rows only, as the raw text
        case when reason_code is not null then record_key end as record_key,
        scope_key,
        raw_record_hash,
        duplicate_copies,
        reason_code,
        -- the raw text of rejected rows only (the parsed layer keeps it for
        -- every copy of a record that may be rejected: staging_raw_record_kept)
        case when reason_code is not null then raw_record end as raw_record,
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
    from outcome_rows
),

final as (
    select
        {%- for c in leading %}
        decided.{{ c }},
        {%- endfor %}
        decided.raw_record,
        {%- for c in trailing %}
        decided.{{ c }},
        {%- endfor %}
        {%- if is_incremental() %}
        case
            when previous.raw_record_hash is null then '{{ invocation_id }}'
            when previous.is_clean != decided.is_clean then '{{ invocation_id }}'
            {#- what stg_rejected_rows shows of a rejected row: its reason (a
                pending row whose reference arrived can fail a later rule) and
                its file (the smallest holding a copy), so that model can
                replace exactly the rows changed_in a load -#}
            when (previous.reason_code is distinct from decided.reason_code) then '{{ invocation_id }}'
            when decided.reason_code is not null and previous.source_file != decided.source_file
                then '{{ invocation_id }}'
            {%- for l in links %}
            {#- parenthesised: sqlfluff (4.4, duckdb dialect) cannot parse `is distinct from`
                bare in a case's when; `ccw lint --incremental` renders this branch #}
            when (previous._previous_link_{{ loop.index }} is distinct from decided.{{ l['column'] }})
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
        on decided.raw_record_hash = previous.raw_record_hash
    {%- endif %}
)

select * from final
{%- endmacro %}

{#- Staging rule 2, validate: the row rules of the parsed layer, then the
    references in order, then the self reference; links that match nothing
    are nulled (the row is kept). Part of staging_resolved_rows. -#}
{% macro staging_validate(references, self_reference, links) -%}
{{ staging_known_values(references, 'deduplicated') }}
{%- for l in links %}

linkable_{{ loop.index }} as (
    select distinct {{ l['target'] }} as known_value
    from {{ l['relation'] }}
    {%- if is_incremental() %}
    -- incremental: only the values the rows in scope hold (staging_known_values)
    where {{ l['target'] }} in (select {{ l['column'] }} from deduplicated)
    {%- endif %}
),
{%- endfor %}

checked as (
    -- rule 2: the row rules (parsed layer), then the references, in order
    select
        deduplicated.*,
        case
            when deduplicated.row_reason_code is not null then deduplicated.row_reason_code
            {%- for r in references %}
            when deduplicated.{{ r['column'] }} is not null and known_{{ loop.index }}.known_value is null
                then '{{ r['reason'] }}'
            {%- endfor %}
        end as first_reason_code
    from deduplicated
    {%- for r in references %}
    left join known_{{ loop.index }}
        on deduplicated.{{ r['column'] }} = known_{{ loop.index }}.known_value
    {%- endfor %}
),

{%- if self_reference %}

self_targets as (
    -- rows that pass every other rule: what a {{ self_reference['column'] }} may point to
    select distinct {{ self_reference['target'] }} as known_value from checked
    where first_reason_code is null
    {%- if is_incremental() %}
    union
    select distinct {{ self_reference['target'] }} from {{ this }}
    where
        scope_key not in (select scope_key from scope)
        and (reason_code is null or reason_code = '{{ self_reference['reason'] }}')
    {%- endif %}
),

validated as (
    select
        checked.*,
        case
            when checked.first_reason_code is not null then checked.first_reason_code
            when checked.{{ self_reference['column'] }} is not null and self_targets.known_value is null
                then '{{ self_reference['reason'] }}'
        end as reason_code
    from checked
    left join self_targets
        on checked.{{ self_reference['column'] }} = self_targets.known_value
),
{%- else %}

validated as (
    select
        *,
        first_reason_code as reason_code
    from checked
),
{%- endif %}

linked as (
    -- a link that matches nothing is nulled, the row is kept
    select
        validated.*
        {%- for l in links %},
        linkable_{{ loop.index }}.known_value as _link_{{ loop.index }}
        {%- endfor %}
    from validated
    {%- for l in links %}
    left join linkable_{{ loop.index }}
        on validated.{{ l['column'] }} = linkable_{{ loop.index }}.known_value
    {%- endfor %}
),
{%- endmacro %}

{#- The CTEs known_<n>, one per reference: the values its target holds on a
    valid row (rule 2 here; the parsed layer's staging_raw_record_kept). On
    an incremental run, only the values the CTE `rows` (the rows being
    decided) holds in the referencing column: the rows look up nothing
    else, and a day's rows name a few thousand of a year's half a million
    customers (the distinct of them all was about a tenth of
    base_crm__tickets' query on a day's load). -#}
{% macro staging_known_values(references, rows) -%}
{%- for r in references %}

known_{{ loop.index }} as (
    select distinct {{ r['target'] }} as known_value
    from {{ r['relation'] }}
    where
        is_valid
        {%- if is_incremental() %}
        and {{ r['target'] }} in (select {{ r['column'] }} from {{ rows }})
        {%- endif %}
),
{%- endfor %}
{%- endmacro %}

{#- The entity's references (raw_contract) with their target model as a
    relation (`relation`), as staging_validate and staging_known_values take
    them. -#}
{% macro staging_references(spec) -%}
    {%- set references = [] -%}
    {%- for r in spec.get('references', []) -%}
        {%- do references.append({'column': r['column'], 'relation': ref(r['model']), 'model': r['model'],
                                  'target': r['target'], 'reason': r['reason']}) -%}
    {%- endfor -%}
    {{ return(references) }}
{%- endmacro %}

{#- Staging step 2, resolve (the resolved layer, base_<entity>): one row per
    distinct raw record, composed of the steps in this folder:

      staging_read.sql      read and type (the parsed layer; step 1)
      staging_dedupe.sql    exact duplicates are one row
      staging_validate.sql  references checked, ticket links resolved
      staging_version.sql   which version of a record wins, and the row's
                            outcome (reason, validity, pending, impact date)

    Rows stay narrow: the joins of the references and links carry only the
    columns the rules read (staging_rule_columns), the versioning window
    only the row's identity, outcome and sort columns
    (staging_versioned_columns); the other columns and the raw text are
    joined back for the decided rows (staging_outcome_rows). The parsed
    layer keeps the raw JSON text only for rows that may be rejected
    (staging_raw_record_kept); every other rule works on the record hash.

    Incremental by `scope_key` (the entity's natural id): a run re-decides
    every key that has a row in the new files, plus the keys still
    "pending" (rejected for a reference that may arrive later, or holding a
    ticket link not resolved yet) whose target arrived (staging_resolve_scope). Every row of a re-decided key is read back
    from the parsed layer, so the outcome is the one a full build would give.
    `changed_in` / `impact_date` tell the downstream windows what changed
    (docs/design.md, "Incremental loads").
-#}

{#- The body of base_<entity>: every rule comes from the entity's raw
    contract (raw_contract: references, self_reference, links, versioning,
    impact, phone_columns). Versioning: 'event' (rows sharing the record key:
    smallest record hash wins), 'latest' (latest updated_at wins, ties: smallest hash),
    'history' (every version kept; ties on the record key: smallest hash). -#}
{% macro staging_resolved_rows(entity_name) -%}
{{- config(materialized='incremental', incremental_strategy='delete+insert', unique_key='scope_key',
           on_schema_change='fail', uncompressed_columns=staging_uncompressed_columns(entity_name)) -}}
{%- set spec = raw_entity(entity_name) -%}
{%- set versioning = spec.get('versioning', 'event') -%}
{%- if versioning not in ('event', 'latest', 'history') -%}
    {{ exceptions.raise_compiler_error("raw_contract " ~ entity_name ~ ": versioning must be event, latest or history, got " ~ versioning) }}
{%- endif -%}
{%- set parsed = ref('base_' ~ entity_name ~ '_parsed') -%}
{%- set references = staging_references(spec) -%}
{%- set links = [] -%}
{%- for l in spec.get('links', []) -%}
    {%- do links.append({'column': l['column'], 'relation': ref(l['model']), 'target': l['target']}) -%}
{%- endfor -%}
{%- set self_reference = spec.get('self_reference') -%}
{%- set impact = spec.get('impact', []) -%}
{%- if impact | length == 0 -%}
    {%- set impact_date = 'null' -%}
{%- elif impact | length == 1 -%}
    {%- set impact_date = reporting_date(impact[0]) -%}
{%- else -%}
    {%- set impact_date = reporting_date('least(' ~ impact | join(', ') ~ ')') -%}
{%- endif -%}
{%- set extra_columns = [] -%}
{%- for column, name in spec.get('phone_columns', {}).items() -%}
    {%- do extra_columns.append((normalize_phone(column), name)) -%}
{%- endfor -%}
with
{{ staging_resolve_scope(parsed, references, self_reference, links) }}
{{ staging_dedupe(entity_name, parsed) }}
{{ staging_validate(references, self_reference, links) }}
{{ staging_version(entity_name, versioning) }}
{{ staging_decide(entity_name, parsed, references, self_reference, links, impact_date, extra_columns) }}
{%- endmacro %}

{#- The keys a run re-decides (`scope`: every parsed row of such a key is
    read again, staging_in_scope) and, on an incremental run, the outcome
    they had before (`previous`). A full build has no `scope`: every row.

    A pending key (rejected for a reference, or holding a link not resolved
    yet) is re-decided only when its outcome can change: when a row it
    references (a valid agent or customer) was added or changed by this run
    (the target's changed_in; references only ever gain targets), when the
    clean ticket an unresolved link points to exists now, or, for a self
    reference, always (its target may turn valid in this very run).
    Its outcome depends on nothing else, so this is what re-deciding every
    pending key gives, without re-reading keys that stay pending for good
    (an unknown id that never arrives): at a year of a 300-agent centre,
    70 % of the chat events a daily load re-decided. -#}
{% macro staging_resolve_scope(parsed, references, self_reference, links) -%}
{%- if is_incremental() %}

scope as (
    -- keys with a row in the files this run loaded
    select scope_key from {{ parsed }}
    where loaded_in = '{{ invocation_id }}'
    {%- if self_reference %}
    union
    -- pending keys waiting for a self reference
    select scope_key from {{ this }}
    where is_pending and reason_code = '{{ self_reference['reason'] }}'
    {%- endif %}
    {%- for r in references %}
    union
    -- pending keys whose {{ r['column'] }} may be known now
    select scope_key from {{ this }}
    where
        is_pending
        and {{ r['column'] }} in (
            select changed.{{ r['target'] }} from {{ r['relation'] }} as changed
            where changed.changed_in = '{{ invocation_id }}'
        )
    {%- endfor %}
    {%- for l in links %}
    union
    -- pending keys whose {{ l['column'] }} link is unresolved (the stored value
    -- is nulled; the parsed row has the raw one) and whose target exists now
    select pending.scope_key
    from {{ this }} as pending
    inner join {{ parsed }} as parsed
        on pending.raw_record_hash = parsed.raw_record_hash
    where
        pending.is_pending
        and pending.{{ l['column'] }} is null
        and parsed.{{ l['column'] }} in (
            select linkable.{{ l['target'] }} from {{ l['relation'] }} as linkable
        )
    {%- endfor %}
),

previous as (
    select
        raw_record_hash,
        is_clean,
        reason_code,
        source_file,
        {%- for l in links %}
        {{ l['column'] }} as _previous_link_{{ loop.index }},
        {%- endfor %}
        changed_in
    from {{ this }}
    where scope_key in (select scope_key from scope)
),
{%- endif %}
{%- endmacro %}

{#- `where` clause of the parsed rows a run re-decides (none on a full build). -#}
{% macro staging_in_scope() -%}
    {%- if is_incremental() %}
    where scope_key in (select scope_key from scope)
    {%- endif %}
{%- endmacro %}

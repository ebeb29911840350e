{#- The two incremental staging layers every raw entity goes through
    (docs/design.md, "Incremental loads").

    1. base_<entity>_parsed (staging_parsed_rows): one row per raw row, typed,
       with the row-local reason code (the generic contract rules, then the
       entity's own row rules). Append-only: an incremental run reads only the
       files no earlier run loaded (raw files are immutable daily exports; a
       rewritten file needs --full-refresh).
    2. base_<entity> (staging_resolved_rows): one row per distinct raw record
       (exact duplicates counted), with references checked, ticket links
       resolved and versions decided. Incremental by `scope_key` (the
       entity's natural id): a run re-decides every key that has a row in the
       new files, plus every key still "pending" (rejected for a reference
       that may arrive later, or holding a ticket link not resolved yet).
       Every row of a re-decided key is read back from the parsed layer, so
       the outcome is the one a full build would give.

    `changed_in` / `impact_date` tell the downstream windows what changed:
    a row is changed by this invocation when it is new or its outcome
    (clean or not, resolved link) changed; `impact_date` is the earliest
    reporting date the row can influence.
-#}

{#- The key a run re-decides together: the entity's natural id (`scope` in
    raw_contract, else its record key), as text; blank parts are ''. -#}
{% macro contract_scope_key(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set parts = [] -%}
    {%- for k in spec.get('scope', spec['key']) -%}
        {%- do parts.append("coalesce(cast(" ~ k ~ " as varchar), '')") -%}
    {%- endfor -%}
    {{ parts | join(" || '|' || ") }}
{%- endmacro %}

{#- Layer 1. row_rules: [(condition on typed columns, reason_code), ...], in
    the order of docs/design.md; they follow the five generic rules. -#}
{% macro staging_parsed_rows(entity_name, row_rules=[]) -%}
{{- config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ reset_raw_ledgers('" ~ entity_name ~ "') }}",
          post_hook=["{{ capture_malformed_rows('" ~ entity_name ~ "') }}",
                     "{{ record_loaded_files('" ~ entity_name ~ "') }}"]) -}}
{%- set spec = raw_entity(entity_name) -%}
with

source as (
    select
        {{ contract_column_list(entity_name) }},
        source_file
    from {{ source(spec['system'], spec['entity']) }}
    {%- if is_incremental() %}
    where {{ raw_new_files_filter(entity_name, this) }}
    {%- endif %}
),

recorded as (
    select
        *,
        {{ raw_record_json(contract_column_names(entity_name)) }} as raw_record,
        {{ contract_record_key(entity_name) }} as record_key
    from source
),

typed as (
    select
        source_file,
        raw_record,
        md5(raw_record) as raw_record_md5,
        record_key,
        {{ contract_typed_columns(entity_name) }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags(entity_name) }}
    from typed
),

final as (
    select
        {{ contract_column_list(entity_name) }},
        source_file,
        record_key,
        {{ contract_scope_key(entity_name) }} as scope_key,
        raw_record,
        raw_record_md5,
        case
            {{ contract_reason_cases() }}
            {%- for condition, reason in row_rules %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as row_reason_code,
        '{{ invocation_id }}' as loaded_in
    from flagged
)

select * from final
{%- endmacro %}

{#- Layer 2.
    references: [{'column', 'relation', 'target', 'reason'}]: a non-null
        `column` with no valid row in `relation` (`target` column, `is_valid`
        rows) rejects the row with `reason`; checked in list order after the
        row rules.
    self_reference: {'column', 'target', 'reason'} or none: checked last,
        against this entity's rows that pass every other rule.
    links: [{'column', 'relation', 'target'}]: a value with no match in
        `relation` is nulled (the row is kept).
    versioning: 'event' (rows sharing the record key: smallest md5 wins),
        'latest' (latest updated_at wins, ties: smallest md5),
        'history' (every version kept; ties on the record key: smallest md5).
    impact_date: SQL on the typed columns, the earliest reporting date the
        row can influence.
    extra_columns: [(expression, name)] appended after the contract columns.
-#}
{% macro staging_resolved_rows(entity_name, parsed, references=[], self_reference=none, links=[],
                               versioning='event', impact_date='null', extra_columns=[]) -%}
{{- config(materialized='incremental', incremental_strategy='delete+insert', unique_key='scope_key',
           on_schema_change='fail') -}}
{%- if versioning not in ('event', 'latest', 'history') -%}
    {{ exceptions.raise_compiler_error("staging_resolved_rows: versioning must be event, latest or history, got " ~ versioning) }}
{%- endif -%}
{%- set spec = raw_entity(entity_name) -%}
{%- set columns = contract_column_names(entity_name) -%}
{%- set pending_reasons = references | map(attribute='reason') | list
    + ([self_reference['reason']] if self_reference else []) -%}
{%- set link_replace = {} -%}
{%- for l in links -%}{%- do link_replace.update({l['column']: '_link_' ~ loop.index}) -%}{%- endfor -%}
with

{%- if is_incremental() %}

scope as (
    -- keys with a row in the files this run loaded, and keys still pending
    select scope_key from {{ parsed }}
    where loaded_in = '{{ invocation_id }}'
    union
    select scope_key from {{ this }}
    where is_pending
),

previous as (
    select
        raw_record_md5,
        is_clean,
        {%- for l in links %}
        {{ l['column'] }} as _previous_link_{{ loop.index }},
        {%- endfor %}
        changed_in
    from {{ this }}
    where scope_key in (select scope_key from scope)
),
{%- endif %}

parsed as (
    select * from {{ parsed }}
    {%- if is_incremental() %}
    where scope_key in (select scope_key from scope)
    {%- endif %}
),

{%- for r in references %}

known_{{ loop.index }} as (
    select distinct {{ r['target'] }} as known_value
    from {{ r['relation'] }}
    where is_valid
),
{%- endfor %}

{%- for l in links %}

linkable_{{ loop.index }} as (
    select distinct {{ l['target'] }} as known_value
    from {{ l['relation'] }}
),
{%- endfor %}

deduplicated as (
    -- rule 1: rows with identical raw text in every contract column (same
    -- md5 of the raw record) are one row; extra copies are counted, the
    -- first file is kept
    select
        raw_record_md5,
        {%- for c in columns %}
        any_value({{ c }}) as {{ c }},
        {%- endfor %}
        any_value(record_key) as record_key,
        any_value(scope_key) as scope_key,
        any_value(raw_record) as raw_record,
        any_value(row_reason_code) as row_reason_code,
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from parsed
    group by
        raw_record_md5
),

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

{#- `source_file in (...)`: the entity's files (raw_file_format, as
    create_raw_views reads them) that `loaded` (the parsed layer) holds no
    row of; `false` when there is none. -#}
{% macro raw_new_files_filter(entity_name, loaded) -%}
    {{ return(adapter.dispatch('raw_new_files_filter', 'contact_center')(entity_name, loaded)) }}
{%- endmacro %}

{% macro duckdb__raw_new_files_filter(entity_name, loaded) -%}
    {%- if not execute -%}{{ return('false') }}{%- endif -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set folder = raw_dir() ~ '/' ~ spec['system'] ~ '/' ~ spec['entity'] -%}
    {%- set listing = run_query(
        "select file from glob('" ~ sql_quote_text(folder) ~ "/*') "
        ~ "where file not in (select distinct source_file from " ~ loaded ~ ") order by file"
    ) -%}
    {%- set files = [] -%}
    {%- for path in listing.columns[0].values() -%}
        {%- if raw_file_format(path.split('/')[-1]) -%}{%- do files.append(path) -%}{%- endif -%}
    {%- endfor -%}
    {%- if files | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return('source_file in (' ~ sql_path_list(files)[1:-1] ~ ')') }}
{%- endmacro %}

{#- Malformed CSV records (create_raw_views): a full build of an entity's
    parsed layer forgets the entity's earlier ones and its manifest entries
    (pre-hook reset_raw_ledgers); after the
    parsed model has read the new files, the records DuckDB rejected while
    reading them are copied with file and line into raw.malformed_rows
    (post-hook, same connection: the reject tables are temporary). A record
    already there (same file and line) is not copied twice. -#}
{% macro reset_raw_ledgers(entity_name) %}
    {% if execute and not is_incremental() %}
        delete from raw.malformed_rows where entity = '{{ entity_name }}';
        delete from raw.file_manifest where entity = '{{ entity_name }}'
    {% else %}
        select 1
    {% endif %}
{% endmacro %}

{% macro capture_malformed_rows(entity_name) %}
    {{ return(adapter.dispatch('capture_malformed_rows', 'contact_center')(entity_name)) }}
{% endmacro %}

{% macro duckdb__capture_malformed_rows(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set rejects, scans = raw_rejects_table(entity_name), raw_reject_scans_table(entity_name) %}
    {% set found = run_query(
        "select count(*) from duckdb_tables() where temporary and table_name in ('" ~ rejects ~ "', '" ~ scans ~ "')"
    ) %}
    {% if found.columns[0].values()[0] < 2 %}{{ return('select 1') }}{% endif %}
    {% set encoding = run_query(
        "select any_value(s.file_path), count(*) from " ~ rejects ~ " as e inner join " ~ scans
        ~ " as s on e.scan_id = s.scan_id and e.file_id = s.file_id where e.error_type = 'INVALID ENCODING'"
    ) %}
    {% if encoding.columns[1].values()[0] > 0 %}
        {{ exceptions.raise_compiler_error(not_utf8_message(encoding.columns[0].values()[0])) }}
    {% endif %}
    insert into raw.malformed_rows
    select
        '{{ entity_name }}' as entity,
        s.file_path as source_file,
        e.line as source_line,
        min(e.error_type) as error_type,
        min(e.csv_line) as csv_line,
        min(e.error_message) as error_message,
        '{{ invocation_id }}' as loaded_in
    from {{ rejects }} as e
    inner join {{ scans }} as s
        on e.scan_id = s.scan_id and e.file_id = s.file_id
    where not exists (
        select 1 from raw.malformed_rows as m
        where m.entity = '{{ entity_name }}' and m.source_file = s.file_path and m.source_line = e.line
    )
    group by s.file_path, e.line
{% endmacro %}

{#- The manifest entries (create_raw_views, check_raw_manifest) of the files
    this invocation's parsed model loaded: rows parsed or records rejected. -#}
{% macro record_loaded_files(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set root = raw_dir() %}
    {% set loaded = run_query(
        "select distinct source_file from " ~ this ~ " where loaded_in = '" ~ invocation_id ~ "' "
        ~ "union select distinct source_file from raw.malformed_rows where entity = '" ~ entity_name ~ "' "
        ~ "and loaded_in = '" ~ invocation_id ~ "'"
    ) %}
    {% set files = loaded.columns[0].values() | list %}
    {% if not files %}{{ return('select 1') }}{% endif %}
    {{ return(
        "delete from raw.file_manifest where source_file in (" ~ sql_path_list(files)[1:-1] ~ "); "
        ~ "insert into raw.file_manifest select '" ~ entity_name ~ "', substr(filename, "
        ~ (root | length + 2) ~ "), filename, size, cast(last_modified as varchar), md5(content), '"
        ~ invocation_id ~ "' from read_blob(" ~ sql_path_list(files) ~ ")"
    ) }}
{% endmacro %}

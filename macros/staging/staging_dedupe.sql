{#- Staging rule 1, deduplicate: rows with identical raw text in every
    contract column (same md5 of the raw record) are one row; extra copies
    are counted, the first file (smallest path) is kept. Part of
    staging_resolved_rows; defines the CTE `deduplicated` over the rows of
    `parsed` in scope, without the raw record's JSON text (staging_decide
    reads it back for rejected rows only).

    Copies share every contract column, so every typed column, the keys and
    the row reason are the same for all of them: which copy's values are
    kept does not matter, only the file does. -#}
{% macro staging_dedupe(entity_name, parsed) -%}
    {{ return(adapter.dispatch('staging_dedupe', 'contact_center')(entity_name, parsed)) }}
{%- endmacro %}

{#- DuckDB: a narrow aggregate (md5 -> first file, copies, one physical row
    by rowid) and one join back to the parsed table by rowid. Aggregating the
    wide rows themselves (any_value of every column) costs ~5x as much at
    year scale and spills. -#}
{% macro duckdb__staging_dedupe(entity_name, parsed) -%}
{%- set columns = contract_column_names(entity_name) %}
copies as (
    -- rule 1: one physical row per distinct raw record
    select
        raw_record_md5,
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies,
        min(rowid) as kept_row
    from {{ parsed }}
    {{- staging_in_scope() }}
    group by
        raw_record_md5
),

deduplicated as (
    select
        parsed.raw_record_md5,
        {%- for c in columns %}
        parsed.{{ c }},
        {%- endfor %}
        parsed.record_key,
        parsed.scope_key,
        parsed.row_reason_code,
        copies.source_file,
        copies.duplicate_copies
    from {{ parsed }} as parsed
    inner join copies
        on parsed.rowid = copies.kept_row
),
{%- endmacro %}

{#- Any engine: one aggregate over the (narrow) rows. -#}
{% macro default__staging_dedupe(entity_name, parsed) -%}
{%- set columns = contract_column_names(entity_name) %}
deduplicated as (
    -- rule 1: one row per distinct raw record
    select
        raw_record_md5,
        {%- for c in columns %}
        any_value({{ c }}) as {{ c }},
        {%- endfor %}
        any_value(record_key) as record_key,
        any_value(scope_key) as scope_key,
        any_value(row_reason_code) as row_reason_code,
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies
    from {{ parsed }}
    {{- staging_in_scope() }}
    group by
        raw_record_md5
),
{%- endmacro %}

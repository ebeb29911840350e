{#- Staging rule 1, deduplicate: rows with identical raw text in every
    contract column are one row. Part of staging_resolved_rows. -#}
{% macro staging_dedupe(entity_name) -%}
{%- set columns = contract_column_names(entity_name) %}
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
{%- endmacro %}

{{ config(materialized='table') }}

{#- Every rejected raw row of every entity of raw_contract(): the rows a base
    model rejected (first failing rule), and the CSV records no reader could
    split into fields (reason malformed_row, raw_record names file and line). -#}
{%- set entities = raw_contract().keys() | list -%}

with

{% for entity in entities -%}
base_{{ entity }} as (
    select * from {{ ref('base_' ~ entity) }}
),

{% endfor -%}

malformed_rows as (
    select * from {{ source('raw_ledger', 'malformed_rows') }}
),

rejected as (
    {%- for entity in entities %}
    select
        '{{ entity }}' as entity,
        reason_code,
        record_key,
        source_file,
        cast(null as bigint) as source_line,
        raw_record
    from base_{{ entity }}
    where reason_code is not null

    union all
    {%- endfor %}

    select
        entity,
        'malformed_row' as reason_code,
        cast(null as string) as record_key,
        source_file,
        source_line,
        {{ raw_record_json(['source_line', 'error_type', 'csv_line', 'source_file']) }} as raw_record
    from malformed_rows
),

final as (
    select
        entity,
        reason_code,
        record_key,
        source_file,
        source_line,
        raw_record
    from rejected
)

select * from final

{{ config(materialized='table') }}

{#- "Nothing is lost silently" (raw-sources.md), per entity of raw_contract():
    raw_rows = clean_rows + rejected_rows + duplicate_rows + superseded_rows,
    where raw_rows counts every physical record of the entity's files (rows
    the readers parsed, plus malformed CSV records), rejected_rows counts
    stg_rejected_rows (malformed records included), and the duplicate and
    superseded counts come from the base layer's flags. -#}
{%- set entities = raw_contract().keys() | list -%}

with

malformed as (
    select
        entity,
        count(*) as malformed_rows
    from {{ source('raw_ledger', 'malformed_rows') }}
    group by entity
),

rejected as (
    select
        entity,
        count(*) as rejected_rows
    from {{ ref('stg_rejected_rows') }}
    group by entity
),

counted as (
    {%- for entity in entities %}
    select
        '{{ entity }}' as entity,
        (select count(*) as n from {{ ref('base_' ~ entity ~ '_parsed') }}) as parsed_rows,
        (select count(*) as n from {{ ref('stg_' ~ entity) }}) as clean_rows,
        (
            select cast(coalesce(sum(duplicate_copies), 0) as bigint) as n
            from {{ ref('base_' ~ entity) }}
        ) as duplicate_rows,
        (
            select count(case when is_superseded then 1 end) as n
            from {{ ref('base_' ~ entity) }}
        ) as superseded_rows
    {{- '\n\n    union all\n' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        counted.entity,
        counted.parsed_rows + coalesce(malformed.malformed_rows, 0) as raw_rows,
        counted.clean_rows,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        counted.duplicate_rows,
        counted.superseded_rows,
        coalesce(malformed.malformed_rows, 0) as malformed_rows
    from counted
    left join rejected
        on counted.entity = rejected.entity
    left join malformed
        on counted.entity = malformed.entity
)

select * from final

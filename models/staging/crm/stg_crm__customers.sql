{#- Keyed incremental (macros/incremental.sql, replace_changed_keys): a
    load recomputes the customers with a base_crm__customers row changed in
    it, from all of their versions (is_current reads them all). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_keys',
    changed_keys=['customer_id'],
    on_schema_change='fail',
) }}

with

base_customers as (
    select * from {{ ref('base_crm__customers') }}
    {{- changed_keys_filter() }}
),

customers as (
    select * from base_customers
    where is_clean
),

final as (
    select
        -- ids
        customer_id,

        -- strings
        full_name,
        email,
        phone,
        phone_normalized,
        city,
        segment,

        -- timestamps
        created_at,
        updated_at,

        -- booleans
        row_number() over (
            partition by customer_id
            order by updated_at desc
        ) = 1 as is_current

    from customers
)

select * from final

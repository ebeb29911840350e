{#- Current version of each customer, with every PII column (name, email,
    phone) left out; `customer_key` is a one-way hash for joining to other
    tools without exposing the raw id's source system.

    Keyed incremental (macros/incremental.sql, replace_changed_keys), as
    stg_crm__customers it reads: a load replaces the customers with a
    base_crm__customers row changed in it (a customer with no current
    version left loses its row). Rebuilt in full, 1.5 s of a year-scale
    daily load. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_keys',
    changed_keys=['customer_id'],
    on_schema_change='fail',
) }}

with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    {{- changed_keys_filter() }}
),

current_customers as (
    select
        customer_id,
        segment,
        city,
        created_at,
        updated_at
    from customers
    where is_current
),

final as (
    select
        customer_id,
        {{ dbt.hash("'customer|' || customer_id") }} as customer_key,
        segment,
        city,
        created_at,
        updated_at
    from current_customers
)

select * from final

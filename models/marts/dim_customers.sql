{#- Current version of each customer, with every PII column (name, email,
    phone) left out; `customer_key` is a one-way hash for joining to other
    tools without exposing the raw id's source system. -#}
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
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

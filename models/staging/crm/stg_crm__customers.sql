{{ config(materialized='table') }}

with

customers as (
    select * from {{ ref('base_crm__customers') }}
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

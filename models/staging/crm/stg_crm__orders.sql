with

orders as (
    select * from {{ ref('base_crm__orders') }}
    where is_clean
),

final as (
    select
        -- ids
        order_id,
        customer_id,

        -- timestamps
        created_at,
        paid_at,

        -- numerics
        cast(amount as decimal(18, 2)) as amount,
        item_count,

        -- strings
        status,

        -- timestamps
        updated_at

    from orders
)

select * from final

with

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

paid_orders as (
    select
        order_id,
        customer_id,
        paid_at,
        {{ reporting_date('paid_at') }} as paid_date,
        amount,
        item_count,
        status
    from orders
    where paid_at is not null
),

presales_contacts as (
    select
        contact_id,
        customer_id,
        owner_agent_id,
        activity_date,
        started_at
    from contacts
    where is_presales
),

candidates as (
    -- last touch: the customer's latest pre-sales contact started before
    -- paid_at, at most conversion_window_days before the paid date
    select
        paid_orders.order_id,
        presales_contacts.contact_id,
        presales_contacts.owner_agent_id,
        presales_contacts.activity_date,
        row_number() over (
            partition by paid_orders.order_id
            order by presales_contacts.started_at desc, presales_contacts.contact_id desc
        ) as candidate_rank
    from paid_orders
    inner join presales_contacts
        on
            paid_orders.customer_id = presales_contacts.customer_id
            and paid_orders.paid_at > presales_contacts.started_at
            and {{ dbt.datediff('presales_contacts.activity_date', 'paid_orders.paid_date', 'day') }}
            <= {{ var('conversion_window_days') }}
),

final as (
    select
        paid_orders.order_id,
        paid_orders.customer_id,
        paid_orders.paid_at,
        paid_orders.paid_date,
        paid_orders.amount,
        paid_orders.item_count,
        paid_orders.status,
        candidates.contact_id as credited_contact_id,
        candidates.owner_agent_id as credited_agent_id,
        candidates.activity_date as credited_activity_date,
        {{ dbt.datediff(
            'candidates.activity_date',
            'paid_orders.paid_date',
            'day',
        ) }} as days_after_contact
    from paid_orders
    left join candidates
        on
            paid_orders.order_id = candidates.order_id
            and candidates.candidate_rank = 1
)

select * from final

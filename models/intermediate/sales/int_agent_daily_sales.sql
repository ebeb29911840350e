{{ config(materialized='view', window_column='activity_date') }}

{#- Agent-day pre-sales conversion: the paid orders credited (last touch) to
    an agent's pre-sales contact, on the reporting day of that contact. -#}

with

orders_credited as (
    select * from {{ ref('int_orders_credited') }}
),

final as (
    select
        credited_agent_id as agent_id,
        credited_activity_date as activity_date,
        count(distinct case when days_after_contact <= 1 then customer_id end) as buyers_next_day,
        count(
            distinct case when days_after_contact <= {{ var('conversion_window_days') }} then customer_id end
        ) as buyers_final,
        count(*) as sales_orders,
        sum(amount) as sales_amount,
        sum(item_count) as sales_units
    from orders_credited
    where credited_agent_id is not null
    group by credited_agent_id, credited_activity_date
)

select * from final

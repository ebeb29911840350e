with

agents as (
    select * from {{ ref('stg_crm__agents') }}
),

final as (
    select
        agent_id,
        valid_from,
        valid_to,
        is_current,
        team,
        site,
        timezone,
        hired_on,
        left_on,
        updated_at
    from agents
)

select * from final

{{ config(materialized='table') }}

with

agents as (
    select * from {{ ref('base_crm__agents') }}
    where is_clean
),

versions as (
    select
        -- ids
        agent_id,

        -- strings
        full_name,
        email,
        team,
        site,
        timezone,

        -- dates
        hired_on,
        left_on,

        -- timestamps
        updated_at,
        updated_at as valid_from,
        lead(updated_at) over (
            partition by agent_id
            order by updated_at
        ) as valid_to

    from agents
),

final as (
    select
        agent_id,
        full_name,
        email,
        team,
        site,
        timezone,
        hired_on,
        left_on,
        updated_at,
        valid_from,
        valid_to,
        valid_to is null as is_current
    from versions
)

select * from final

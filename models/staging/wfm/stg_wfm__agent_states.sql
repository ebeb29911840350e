with

agent_states as (
    select * from {{ ref('base_wfm__agent_states') }}
    where is_clean
),

final as (
    select
        -- ids
        md5(agent_id || '|' || cast(started_at as string)) as state_id,
        agent_id,

        -- strings
        state,

        -- timestamps
        started_at,
        ended_at

    from agent_states
)

select * from final

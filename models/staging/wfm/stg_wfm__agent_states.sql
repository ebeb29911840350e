{#- changed_keys: on a load, row-level tests look at the rows of keys the load
    changed (macros/incremental.sql, get_where_subquery) -#}
{{ config(changed_keys=['agent_id', 'started_at']) }}

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

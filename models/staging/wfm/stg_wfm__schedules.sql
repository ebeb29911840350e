with

schedules as (
    select * from {{ ref('base_wfm__schedules') }}
    where is_clean
),

final as (
    select
        -- ids
        md5(agent_id || '|' || cast(shift_start as string)) as schedule_id,
        agent_id,

        -- timestamps
        shift_start,
        shift_end

    from schedules
)

select * from final

with

evaluations as (
    select * from {{ ref('base_crm__qa_evaluations') }}
    where is_clean
),

final as (
    select
        -- ids
        evaluation_id,
        agent_id,
        evaluator_id,

        -- strings
        channel,
        contact_ref,

        -- timestamps
        evaluated_at,

        -- numerics
        cast(score as decimal(6, 2)) as score

    from evaluations
)

select * from final

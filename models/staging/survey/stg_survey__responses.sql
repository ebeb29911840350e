with

responses as (
    select * from {{ ref('base_survey__responses') }}
    where is_clean
),

final as (
    select
        -- ids
        response_id,
        customer_id,

        -- strings
        survey,
        channel,

        -- ids
        call_id,
        ticket_id,

        -- timestamps
        sent_at,
        responded_at,

        -- numerics
        score,

        -- strings
        comment

    from responses
)

select * from final

{#- changed_keys: on a load, row-level tests look at the rows of keys the load
    changed (macros/incremental.sql, get_where_subquery), and
    int_surveys_attributed replaces the responses whose row changed -#}
{{ config(changed_keys=['response_id']) }}

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

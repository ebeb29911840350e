{{ load_window_config('activity_date') }}

with

legs as (
    -- a contact's transferred legs start no earlier than its root leg: the
    -- window keeps every leg of the contacts it recomputes
    select * from {{ ref('int_call_legs_assembled') }}
    {{- load_window_input_filter('activity_date') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

root_legs as (
    select
        call_id as root_call_id,
        queue,
        enqueued_at as started_at,
        caller_phone_normalized
    from legs
    where call_id = contact_root_call_id
),

contact_legs as (
    select
        *,
        row_number() over (
            partition by contact_root_call_id
            order by answered_at desc nulls last, enqueued_at desc, call_id desc
        ) as answered_rank_desc,
        row_number() over (
            partition by contact_root_call_id
            order by answered_at asc nulls last, enqueued_at asc, call_id asc
        ) as answered_rank_asc,
        row_number() over (
            partition by contact_root_call_id
            order by (ticket_id is null), enqueued_at desc, call_id desc
        ) as ticket_rank
    from legs
    where contact_root_call_id is not null
),

legs_rolled_up as (
    select
        contact_root_call_id as root_call_id,
        count(*) as legs,
        count(answered_at) as answered_legs,
        max(ended_at) as ended_at,
        coalesce(sum(case when is_answered then handle_s end), 0) as handle_s,
        max(case when answered_rank_desc = 1 and is_answered then agent_id end) as owner_agent_id,
        max(case when answered_rank_asc = 1 and is_answered then wait_s end) as wait_s,
        max(case when ticket_rank = 1 then ticket_id end) as ticket_id
    from contact_legs
    group by contact_root_call_id
),

phone_owners as (
    -- several current customers may share a number: latest updated_at,
    -- then the smallest customer_id
    select
        phone_normalized,
        customer_id,
        row_number() over (
            partition by phone_normalized
            order by updated_at desc, customer_id asc
        ) as phone_rank
    from customers
    where
        is_current
        and phone_normalized is not null
        and phone_normalized != ''
),

final as (
    select
        'call-' || root_legs.root_call_id as contact_id,
        root_legs.root_call_id,
        root_legs.root_call_id as source_ref,
        'phone' as channel,
        root_legs.queue,
        phone_owners.customer_id,
        root_legs.started_at,
        legs_rolled_up.ended_at,
        {{ reporting_date('root_legs.started_at') }} as activity_date,
        legs_rolled_up.answered_legs > 0 as is_handled,
        legs_rolled_up.owner_agent_id,
        legs_rolled_up.wait_s,
        legs_rolled_up.handle_s,
        legs_rolled_up.legs,
        legs_rolled_up.answered_legs,
        legs_rolled_up.ticket_id
    from root_legs
    inner join legs_rolled_up
        on root_legs.root_call_id = legs_rolled_up.root_call_id
    left join phone_owners
        on
            root_legs.caller_phone_normalized = phone_owners.phone_normalized
            and phone_owners.phone_rank = 1
)

select * from final
{{ load_window_filter() }}

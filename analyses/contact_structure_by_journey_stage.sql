-- Structure of handled contacts by customer-journey stage: the share of
-- pre-sales, in-sale and after-sales contacts (category of the linked
-- ticket; contacts without a ticket are their own group), per month and
-- channel, and overall for the month.
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
),

staged_contacts as (
    select
        calendar.month,
        contacts.channel,
        coalesce(tickets.category, 'no_ticket') as journey_stage
    from contacts
    inner join calendar
        on contacts.activity_date = calendar.date
    left join tickets
        on contacts.ticket_id = tickets.ticket_id
    where contacts.is_handled
),

by_channel as (
    select
        month,
        channel,
        journey_stage,
        count(*) as contacts
    from staged_contacts
    group by month, channel, journey_stage
),

all_channels as (
    select
        month,
        'all' as channel,
        journey_stage,
        count(*) as contacts
    from staged_contacts
    group by month, journey_stage
),

stacked as (
    select
        month,
        channel,
        journey_stage,
        contacts
    from by_channel
    union all
    select
        month,
        channel,
        journey_stage,
        contacts
    from all_channels
),

final as (
    select
        month,
        channel,
        journey_stage,
        contacts,
        cast(contacts as double)
        / sum(contacts) over (partition by month, channel) as share_of_contacts
    from stacked
)

select * from final
order by month, channel, journey_stage

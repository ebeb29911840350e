{{ load_window_config('activity_date') }}
{#- one value per row: stored uncompressed (macros/storage.sql) -#}
{{ config(uncompressed_columns=['contact_id']) }}

{#- Windowed: a load recomputes the contacts of its window only. A contact's
    flags read the customer's other contacts up to fcr_window_hours before
    its start (is_repeat) and after its end (is_fcr): the later ones are in
    the window too; the earlier ones are read from fcr_window_hours before
    the window's first reporting midnight (other_contacts). -#}

with

contacts as {{ cte_inlined() }} (
    select * from {{ ref('int_contacts_unioned') }}
    {{- load_window_input_filter('activity_date') }}
),

other_contacts as {{ cte_inlined() }} (
    select * from {{ ref('int_contacts_unioned') }}
    {%- if is_incremental() %}
    {%- set reach_from = add_seconds(reporting_midnight_utc("date '" ~ load_window_start_date() ~ "'"),
                                     '-' ~ var('fcr_window_hours') ~ ' * 3600') %}
    -- incremental: every contact that can be another contact of the window's ones
    where started_at >= {{ reach_from }} or ended_at >= {{ reach_from }}
    {%- endif %}
),

eligible_contacts as (
    select
        contact_id,
        customer_id,
        started_at,
        ended_at
    from contacts
    where
        is_handled
        and customer_id is not null
),

later_contacts as (
    -- any other contact of the customer (any channel, handled or not)
    -- starting in [end, end + fcr_window_hours]
    select distinct eligible_contacts.contact_id
    from eligible_contacts
    inner join other_contacts
        on
            eligible_contacts.customer_id = other_contacts.customer_id
            and eligible_contacts.contact_id != other_contacts.contact_id
            and eligible_contacts.ended_at <= other_contacts.started_at
            and {{ add_seconds('eligible_contacts.ended_at', var('fcr_window_hours') ~ ' * 3600') }}
            >= other_contacts.started_at
),

earlier_contacts as (
    -- another handled contact of the customer that ended in
    -- [start - fcr_window_hours, start]
    select distinct eligible_contacts.contact_id
    from eligible_contacts
    inner join other_contacts
        on
            eligible_contacts.customer_id = other_contacts.customer_id
            and eligible_contacts.contact_id != other_contacts.contact_id
            and other_contacts.is_handled
            and eligible_contacts.started_at >= other_contacts.ended_at
            and {{ add_seconds('eligible_contacts.started_at', '-' ~ var('fcr_window_hours') ~ ' * 3600') }}
            <= other_contacts.ended_at
),

final as (
    select
        contacts.contact_id,
        contacts.activity_date,
        contacts.customer_id,
        eligible_contacts.contact_id is not null as is_fcr_eligible,
        case
            when eligible_contacts.contact_id is not null
                then later_contacts.contact_id is null
        end as is_fcr,
        case
            when eligible_contacts.contact_id is not null
                then earlier_contacts.contact_id is not null
        end as is_repeat,
        {{ add_seconds('contacts.ended_at', var('fcr_window_hours') ~ ' * 3600') }} as fcr_window_ends_at
    from contacts
    left join eligible_contacts
        on contacts.contact_id = eligible_contacts.contact_id
    left join later_contacts
        on contacts.contact_id = later_contacts.contact_id
    left join earlier_contacts
        on contacts.contact_id = earlier_contacts.contact_id
)

select * from final
{{ load_window_filter() }}

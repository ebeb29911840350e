{#- One row per distinct raw record of messaging__messages: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'messaging__messages',
    parsed=ref('base_messaging__messages_parsed'),
    references=[
        {'column': 'agent_id', 'relation': ref('base_crm__agents'), 'target': 'agent_id', 'reason': 'unknown_agent'},
        {'column': 'customer_id', 'relation': ref('base_crm__customers'), 'target': 'customer_id', 'reason': 'unknown_customer'},
    ],
    links=[
        {'column': 'ticket_id', 'relation': ref('stg_crm__tickets'), 'target': 'ticket_id'},
    ],
    versioning='event',
    impact_date=reporting_date('sent_at'),
) }}

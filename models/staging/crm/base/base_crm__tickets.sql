{#- One row per distinct raw record of crm__tickets: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'crm__tickets',
    parsed=ref('base_crm__tickets_parsed'),
    references=[
        {'column': 'assignee_agent_id', 'relation': ref('base_crm__agents'), 'target': 'agent_id', 'reason': 'unknown_agent'},
        {'column': 'customer_id', 'relation': ref('base_crm__customers'), 'target': 'customer_id', 'reason': 'unknown_customer'},
    ],
    versioning='latest',
    impact_date=reporting_date('least(created_at, updated_at)'),
) }}

{#- One row per distinct raw record of survey__responses: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'survey__responses',
    parsed=ref('base_survey__responses_parsed'),
    references=[
        {'column': 'customer_id', 'relation': ref('base_crm__customers'), 'target': 'customer_id', 'reason': 'unknown_customer'},
    ],
    links=[
        {'column': 'ticket_id', 'relation': ref('stg_crm__tickets'), 'target': 'ticket_id'},
    ],
    versioning='event',
    impact_date=reporting_date('least(sent_at, responded_at)'),
) }}

{#- One row per distinct raw record of crm__orders: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'crm__orders',
    parsed=ref('base_crm__orders_parsed'),
    references=[
        {'column': 'customer_id', 'relation': ref('base_crm__customers'), 'target': 'customer_id', 'reason': 'unknown_customer'},
    ],
    versioning='latest',
    impact_date=reporting_date('least(created_at, updated_at, paid_at)'),
) }}

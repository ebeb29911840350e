{#- One row per distinct raw record of telephony__calls: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'telephony__calls',
    parsed=ref('base_telephony__calls_parsed'),
    references=[
        {'column': 'agent_id', 'relation': ref('base_crm__agents'), 'target': 'agent_id', 'reason': 'unknown_agent'},
    ],
    self_reference={'column': 'root_call_id', 'target': 'call_id', 'reason': 'unknown_call_reference'},
    links=[
        {'column': 'ticket_id', 'relation': ref('stg_crm__tickets'), 'target': 'ticket_id'},
    ],
    versioning='event',
    impact_date=reporting_date('enqueued_at'),
    extra_columns=[(normalize_phone('caller_number'), 'caller_phone_normalized')],
) }}

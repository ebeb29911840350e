{#- One row per distinct raw record of crm__qa_evaluations: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'crm__qa_evaluations',
    parsed=ref('base_crm__qa_evaluations_parsed'),
    references=[
        {'column': 'agent_id', 'relation': ref('base_crm__agents'), 'target': 'agent_id', 'reason': 'unknown_agent'},
    ],
    versioning='event',
    impact_date=reporting_date('evaluated_at'),
) }}

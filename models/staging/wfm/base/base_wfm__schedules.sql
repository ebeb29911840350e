{#- One row per distinct raw record of wfm__schedules: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'wfm__schedules',
    parsed=ref('base_wfm__schedules_parsed'),
    references=[
        {'column': 'agent_id', 'relation': ref('base_crm__agents'), 'target': 'agent_id', 'reason': 'unknown_agent'},
    ],
    versioning='event',
    impact_date=reporting_date('shift_start'),
) }}

{#- One row per distinct raw record of crm__agents: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql).
    impact_date: a version sets team and site from its day on (an agent's
    earliest version also before it: int_load_window handles that case). -#}
{{ staging_resolved_rows(
    'crm__agents',
    parsed=ref('base_crm__agents_parsed'),
    versioning='history',
    impact_date=reporting_date('updated_at'),
) }}

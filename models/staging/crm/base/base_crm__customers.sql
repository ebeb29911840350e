{#- One row per distinct raw record of crm__customers: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql).
    impact_date is null: a customer version reaches the calls matched by
    phone, whatever their date; int_load_window works that out. -#}
{{ staging_resolved_rows(
    'crm__customers',
    parsed=ref('base_crm__customers_parsed'),
    versioning='history',
    impact_date='null',
    extra_columns=[(normalize_phone('phone'), 'phone_normalized')],
) }}

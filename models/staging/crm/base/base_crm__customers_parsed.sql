{#- Every raw row of crm__customers, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'crm__customers',
    row_rules=[],
) }}

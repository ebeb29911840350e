{#- Every raw row of crm__tickets, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'crm__tickets',
    row_rules=[
        ("reopen_count < 0", 'negative_duration'),
        ("solved_at < created_at", 'impossible_timestamp_order')
    ],
) }}

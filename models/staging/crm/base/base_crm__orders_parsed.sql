{#- Every raw row of crm__orders, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'crm__orders',
    row_rules=[
        ("amount < 0 or item_count < 0", 'negative_duration'),
        ("paid_at < created_at", 'impossible_timestamp_order')
    ],
) }}

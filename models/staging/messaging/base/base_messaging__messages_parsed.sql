{#- Every raw row of messaging__messages, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'messaging__messages',
    row_rules=[
        ("char_count < 0", 'negative_duration')
    ],
) }}

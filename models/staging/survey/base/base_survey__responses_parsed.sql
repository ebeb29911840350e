{#- Every raw row of survey__responses, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'survey__responses',
    row_rules=[
        ("survey = 'csat' and score not between 1 and 5", 'score_out_of_range'),
        ("survey = 'nps' and score not between 0 and 10", 'score_out_of_range'),
        ("responded_at < sent_at", 'impossible_timestamp_order')
    ],
) }}

{#- Every raw row of crm__qa_evaluations, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'crm__qa_evaluations',
    row_rules=[
        ("score not between 0 and 100", 'score_out_of_range')
    ],
) }}

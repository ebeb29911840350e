{#- Every raw row of wfm__schedules, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'wfm__schedules',
    row_rules=[
        ("shift_end < shift_start", 'negative_duration'),
        (dbt.datediff('shift_start', 'shift_end', 'second') ~ " > " ~ var('max_duration_s'), 'implausible_duration')
    ],
) }}

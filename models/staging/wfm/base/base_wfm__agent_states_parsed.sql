{#- Every raw row of wfm__agent_states, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'wfm__agent_states',
    row_rules=[
        ("ended_at < started_at", 'negative_duration'),
        (dbt.datediff('started_at', 'ended_at', 'second') ~ " > " ~ var('max_state_duration_s'), 'implausible_duration')
    ],
) }}

{#- Every raw row of telephony__calls, typed, with its row-local reason code
    (macros/raw/staging_layers.sql). The entity's own row rules, in the
    order of docs/design.md: -#}
{{ staging_parsed_rows(
    'telephony__calls',
    row_rules=[
        ("hold_s < 0 or acw_s < 0", 'negative_duration'),
        ("answered_at < enqueued_at", 'impossible_timestamp_order'),
        ("ended_at < coalesce(answered_at, enqueued_at)", 'impossible_timestamp_order'),
        ("greatest(hold_s, acw_s, " ~ dbt.datediff('enqueued_at', 'ended_at', 'second') ~ ") > "
            ~ var('max_duration_s'), 'implausible_duration')
    ],
) }}

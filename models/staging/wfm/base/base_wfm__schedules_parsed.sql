{#- Every raw row of wfm__schedules, typed, with its row-local reason code
    (macros/staging/staging_read.sql; the entity's rules: raw_contract()). -#}
{{ staging_parsed_rows('wfm__schedules') }}

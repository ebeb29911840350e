{#- Every raw row of wfm__agent_states, typed, with its row-local reason code
    (macros/staging/staging_read.sql; the entity's rules: raw_contract()). -#}
{{ staging_parsed_rows('wfm__agent_states') }}

{#- Every raw row of crm__agents, typed, with its row-local reason code
    (macros/staging/staging_read.sql; the entity's rules: raw_contract()). -#}
{{ staging_parsed_rows('crm__agents') }}

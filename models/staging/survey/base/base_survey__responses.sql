{#- One row per distinct raw record of survey__responses: duplicates counted, references
    checked, links resolved, versions decided (macros/staging/staging_resolved.sql;
    the entity's rules: raw_contract()). -#}
{{ staging_resolved_rows('survey__responses') }}

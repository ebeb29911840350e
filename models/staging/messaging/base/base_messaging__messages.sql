{#- One row per distinct raw record of messaging__messages: duplicates counted, references
    checked, links resolved, versions decided (macros/staging/staging_resolved.sql;
    the entity's rules: raw_contract()). -#}
{{ staging_resolved_rows('messaging__messages') }}

{#- One row per distinct raw record of crm__orders: duplicates counted, references
    checked, links resolved, versions decided (macros/staging/staging_resolved.sql;
    the entity's rules: raw_contract()). -#}
{{ staging_resolved_rows('crm__orders') }}

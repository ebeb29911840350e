{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='scope_key',
    on_schema_change='fail',
) }}

{#- One row per distinct raw record of crm__customers: duplicates counted, references
    checked, links resolved, versions decided (macros/raw/staging_layers.sql). -#}
{{ staging_resolved_rows(
    'crm__customers',
    parsed=ref('base_crm__customers_parsed'),
    versioning='history',
    impact_date=reporting_date('least(created_at, updated_at)'),
    extra_columns=[(normalize_phone('phone'), 'phone_normalized')],
) }}

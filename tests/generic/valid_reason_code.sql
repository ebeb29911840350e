{#- Every non-null value of the column is a reason code of reason_codes()
    (macros/raw/raw_contract.sql), the one list of staging's rules. -#}
{% test valid_reason_code(model, column_name) %}

select {{ column_name }} as unknown_reason_code
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in ('{{ reason_codes() | join("', '") }}')

{% endtest %}

{#- Every value of the column names an entity of raw_contract()
    (`crm__agents`, ...), the one list of the raw entities. -#}
{% test raw_entity_name(model, column_name) %}

select {{ column_name }} as unknown_entity
from {{ model }}
where
    {{ column_name }} is null
    or {{ column_name }} not in ('{{ raw_contract().keys() | list | join("', '") }}')

{% endtest %}

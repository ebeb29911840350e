{#- The model has at least one row: a build whose raw files hold no usable
    row (header-only exports, every row rejected) fails here instead of
    publishing empty marts. -#}
{% test not_empty(model) %}

select 'the model has no rows' as failure
from (select count(*) as row_count from {{ model }}) as counted
where row_count = 0

{% endtest %}

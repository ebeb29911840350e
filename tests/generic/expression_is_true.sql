{#- Fails for every row where `expression` is not true (false or null).
    Optional `where` narrows the rows checked. The project's own version of
    the well-known dbt_utils test (no dbt Hub packages). -#}
{% test expression_is_true(model, expression, where=none) %}

with

failing as (
    select *
    from {{ model }}
    where
        not coalesce({{ expression }}, false)
        {%- if where %}
        and ({{ where }})
        {%- endif %}
)

select * from failing

{% endtest %}

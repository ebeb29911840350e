{#- Fails for every row where `column_name` lies outside [min_value, max_value]
    (bounds inclusive unless inclusive=false; either bound may be omitted).
    Nulls pass: pair with not_null where needed. The project's own version of
    the well-known dbt_utils test (no dbt Hub packages). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

with

outside as (
    select {{ column_name }} as value_outside_range
    from {{ model }}
    where
        {%- if min_value is not none %}
        {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
        {%- endif %}
        {%- if min_value is not none and max_value is not none %}
        or
        {%- endif %}
        {%- if max_value is not none %}
        {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
        {%- endif %}
        {%- if min_value is none and max_value is none %}
        false
        {%- endif %}
)

select * from outside

{% endtest %}

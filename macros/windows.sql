{#- The last non-null value of an expression over a window frame (write
    `{{ last_value_ignoring_nulls('x') }} over (...)`): engines spell
    "ignore nulls" differently. -#}
{% macro last_value_ignoring_nulls(expr) -%}
    {{ return(adapter.dispatch('last_value_ignoring_nulls', 'contact_center')(expr)) }}
{%- endmacro %}
{% macro default__last_value_ignoring_nulls(expr) -%}
    last_value({{ expr }} ignore nulls)
{%- endmacro %}
{% macro spark__last_value_ignoring_nulls(expr) -%}
    last_value({{ expr }}, true)
{%- endmacro %}

{#- Use the custom schema name as it is (`marts`, `staging`, ...), so that
    BI tools find `marts.fct_agent_daily` whatever the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- `name as {{ cte_inlined() }} (select * from ...)`: a CTE that the query
    reads more than once is read again at each use instead of being
    materialised once. DuckDB materialises such a CTE by default, which for
    an import CTE (`select * from` a table, maybe filtered) means copying
    the table to read it back: int_conversations_measured's events (10 M
    chat events at year scale) cost 4.5 s of CPU that way against a column
    scan per use (the query 30 -> 22.5 s of CPU). Not for a CTE that
    computes something costly (a window, a join): that one should be
    computed once. Engines that inline CTEs anyway (Spark) get nothing. -#}
{% macro cte_inlined() -%}
    {{ return(adapter.dispatch('cte_inlined', 'contact_center')()) }}
{%- endmacro %}

{% macro default__cte_inlined() -%}
{%- endmacro %}

{% macro duckdb__cte_inlined() -%}
    not materialized
{%- endmacro %}

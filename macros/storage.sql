{#- How a model's table is stored on DuckDB: the model config
    `uncompressed_columns` lists columns stored without compression.

    DuckDB picks each column's compression when it writes the table; for a
    text column that is nearly unique per row (a message id, a record's
    scope key) it picks dictionary+FSST, which costs about three times the
    CPU of writing the text as it is and saves little: a year of chat events
    (10.5 M rows), writing base_messaging__messages 13.6-13.9 s of CPU ->
    11.1-11.2 s with message_id and scope_key uncompressed, for 195 MB more
    file; a year's models-only build, 3 runs each alternately
    (benchmarks/ab_builds.py, before the 'latest' entities kept their
    compression): 205.7 -> 178.7 s of user CPU, 120.7 -> 108.5 s wall
    (medians). Columns with repeating values (enumerations, a conversation
    id shared by its events) keep their compression: there it saves most
    of the space. The choice is the column's (`USING COMPRESSION`), so a
    later incremental insert into the table stores it the same way.

    duckdb__create_table_as overrides dbt-duckdb's macro of that name (the
    root project's implementation comes first in dbt's dispatch) for tables
    with `uncompressed_columns` only: the table is created with its column
    types (DuckDB's DESCRIBE of the model's query, which plans and does not
    run it) and filled by one insert. Every other table, a temporary table,
    a model with an enforced contract or a DuckLake partitioning/sorting
    goes to dbt-duckdb's own macro unchanged. Other engines ignore the
    config. -#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- set uncompressed = config.get('uncompressed_columns') or [] -%}
    {%- set contract_config = config.get('contract') -%}
    {%- if uncompressed and not temporary and language == 'sql' and not (contract_config and contract_config.enforced)
          and not partitioned_by and not sorted_by -%}
        {{- uncompressed_create_table_as(relation, compiled_code, uncompressed) -}}
    {%- else -%}
        {{- return(dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by)) -}}
    {%- endif -%}
{%- endmacro %}

{% macro uncompressed_create_table_as(relation, compiled_code, uncompressed) -%}
    {%- set described = run_query('describe ' ~ compiled_code) -%}
    {%- set names = described.columns[0].values() -%}
    {%- for column in uncompressed if column not in names -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": uncompressed_columns names " ~ column ~ ", which the model does not have (columns: " ~ names | join(', ') ~ ")") }}
    {%- endfor -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
create table {{ relation }} (
    {%- for row in described.rows %}
    {{ adapter.quote(row[0]) }} {{ row[1] }}{{ ' using compression uncompressed' if row[0] in uncompressed }}{{ ',' if not loop.last }}
    {%- endfor %}
);
insert into {{ relation }}
select * from (
{{ compiled_code }}
) as model_subq
{%- endmacro %}

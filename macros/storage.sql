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

{#- on-run-start: when DuckDB may compact the warehouse's tables.

    A load deletes the rows it recomputes (the load window, the changed
    keys) and inserts them again. DuckDB keeps a deleted row in its row
    group until a checkpoint vacuums the group: it merges the row groups
    of a table the checkpoint writes whenever their live rows fit in
    fewer, and so rewrites most of a table whose deleted rows are spread
    over it (the rows of a window are: a full build stores them in no time
    order). At year scale DuckDB's own policy rewrote 650 blocks (166 MB)
    of a day's load, half of it vacuum; about 4-6 s of its checkpoints
    (issue 17).

    Here a load lets DuckDB vacuum only when some table holds at least
    compaction_share() of deleted rows (duckdb_tables' estimated_size
    counts them, count(*) does not): one load in every few then compacts
    what the loads since the last compaction left, and costs more than a
    load did before; the others skip it (`max_vacuum_tasks` 0). A year's
    day load, 9 loads alternately with and without vacuum: 1.8 s less of
    dbt's elapsed on average (20-24 s; 8 of 9 pairs faster), 338 blocks
    written instead of 650. Three consecutive days (the third compacts,
    its ticket tables at 31 % deleted rows), two rounds: 67.3 s against
    72.2 s for the three, the third 27.8 s against 22.8 s (means). A table
    holds at most that share of deleted rows plus what one load deletes,
    which its scans read besides the live ones. A full refresh writes
    every table anew and compacts anyway.
    Logs its decision (info) with the table holding the most deleted rows. -#}
{% macro storage_compaction() %}
    {% if execute %}
        {{ return(adapter.dispatch('storage_compaction', 'contact_center')()) }}
    {% endif %}
    {{ return('select 1') }}
{% endmacro %}

{#- Other engines: nothing to decide (Spark rewrites the files a load changes). -#}
{% macro default__storage_compaction() %}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__storage_compaction() %}
    {%- set tables = run_query(
        "select schema_name, table_name, estimated_size from duckdb_tables()"
        ~ " where database_name = current_database() and not temporary and estimated_size > 0"
        ~ " order by schema_name, table_name").rows -%}
    {%- set worst = {'share': 0.0, 'table': none} -%}
    {%- if tables | length > 0 -%}
        {%- set counts = [] -%}
        {%- for schema, table, stored in tables -%}
            {%- do counts.append("select '" ~ sql_quote_text(schema ~ '.' ~ table) ~ "' as name, " ~ stored
                ~ " as stored, count(*) as live from " ~ adapter.quote(schema) ~ "." ~ adapter.quote(table)) -%}
        {%- endfor -%}
        {%- set row = run_query("select name, (stored - live) / stored as share from ("
            ~ counts | join(' union all ') ~ ") order by share desc, name limit 1").rows[0] -%}
        {%- if row[1] > 0 -%}{%- do worst.update({'share': row[1] | float, 'table': row[0]}) -%}{%- endif -%}
    {%- endif -%}
    {%- set compact = worst['share'] >= compaction_share() -%}
    {%- do log("storage: " ~ ("compacting" if compact else "not compacting") ~ "; most deleted rows: "
        ~ (worst['table'] or 'none') ~ " " ~ '%.1f' | format(worst['share'] * 100) ~ " % (compacts from "
        ~ '%.0f' | format(compaction_share() * 100) ~ " %)", info=true) -%}
    {{ return('reset global max_vacuum_tasks' if compact else 'set global max_vacuum_tasks = 0') }}
{% endmacro %}

{#- The share of a table's stored rows that are deleted from which a load
    lets DuckDB compact (storage_compaction). -#}
{% macro compaction_share() -%}
    {{ return(0.25) }}
{%- endmacro %}

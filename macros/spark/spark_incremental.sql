{#- The project's incremental strategies on Spark without a table format
    that can delete rows (Delta, Iceberg and Hudi jars are not on the package
    index; a cluster with Delta can use them: docs/spark.md).

    dbt-spark accepts append, merge, insert_overwrite and microbatch only;
    these two macros of its incremental materialization are overridden (the
    root project's macro wins over the adapter's) to add
      delete+insert   (the staging resolved layer, unique_key scope_key) and
      replace_window  (the windowed models, macros/incremental.sql)
      replace_changed_keys (keyed tables, macros/incremental.sql)
      replace_rejected_rows (stg_rejected_rows, macros/incremental.sql)
      replace_recomputed_keys (the survey and ticket SLA pairs, macros/incremental.sql)
    A windowed table with a reporting-date column is partitioned by it
    (window_partition_by, macros/incremental.sql): a load drops the days of
    its window and writes them again with insert overwrite in dynamic
    partition mode, leaving the files of older days alone
    (spark_replace_window_partitions). Every other delete+insert or
    replace_window table is one rewrite: the load's rows are materialised,
    the target's rows they do not replace are kept in a scratch table, and
    the target is overwritten with both (spark_rewrite_incremental). On
    DuckDB both delete and insert in place; the results are the same, row
    for row (tests_py/test_spark.py). -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {% if raw_strategy in ['delete+insert', 'replace_window', 'replace_changed_keys', 'replace_rejected_rows',
                        'replace_recomputed_keys'] %}
        {% do return(raw_strategy) %}
    {% endif %}
    {% do return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) %}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'delete+insert' -%}
        {%- set replaced = unique_key ~ ' in (select ' ~ unique_key ~ ' from ' ~ target ~ '__new)' -%}
        {{ spark_rewrite_incremental(source, target, replaced) }}
    {%- elif strategy == 'replace_window' and config.get('partition_by') -%}
        {{ spark_replace_window_partitions(source, target) }}
    {%- elif strategy == 'replace_window' -%}
        {{ spark_rewrite_incremental(source, target, load_window_predicate()) }}
    {%- elif strategy == 'replace_changed_keys' -%}
        {{ spark_rewrite_incremental(source, target, changed_keys_predicate()) }}
    {%- elif strategy == 'replace_rejected_rows' -%}
        {{ spark_rewrite_incremental(source, target, rejected_rows_replaced()) }}
    {%- elif strategy == 'replace_recomputed_keys' -%}
        {{ spark_rewrite_incremental(source, target, recomputed_keys_replaced(target ~ '__new')) }}
    {%- else -%}
        {{ dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) }}
    {%- endif -%}
{% endmacro %}

{#- replace_window on a table partitioned by its reporting date
    (window_partition_by): the partitions on or after the window's start are
    dropped (a day the load leaves empty must not keep its old rows), then
    the load's rows are written with insert overwrite in dynamic partition
    mode, which touches only the days they hold. A load writes the days of
    its window and leaves every older partition's files as they are. -#}
{% macro spark_replace_window_partitions(source, target) -%}
    {#- load_window_config sets partition_by to the window's partition column -#}
    {%- set column = config.get('partition_by') -%}
    {#- a table built before it was partitioned (an earlier version of the
        project) has no partitions to replace: say so instead of Spark's
        error on SHOW PARTITIONS -#}
    {%- set described = run_query('describe table ' ~ target).columns[0].values() | list -%}
    {%- set marker = '# Partition Information' -%}
    {%- if marker not in described or column not in described[described.index(marker):] -%}
        {{ exceptions.raise_compiler_error(target ~ " is not partitioned by " ~ column
            ~ " (built by an earlier version of the project): rebuild it once with --full-refresh") }}
    {%- endif -%}
    {%- set start = load_window_start_date() -%}
    {%- set dropped = [] -%}
    {%- for row in run_query('show partitions ' ~ target).rows -%}
        {#- `activity_date=2026-03-08`; a null date is Hive's default partition -#}
        {%- set value = row[0].split('=', 1)[1] -%}
        {%- if value != '__HIVE_DEFAULT_PARTITION__' and value >= start -%}
            {%- do dropped.append("partition (" ~ column ~ " = '" ~ value ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if dropped -%}
        {%- do run_query('alter table ' ~ target ~ ' drop if exists ' ~ dropped | join(', ')) -%}
    {%- endif -%}
    {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
    {#- the table's columns, the partition column last as Spark stores it -#}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    insert overwrite table {{ target }} partition ({{ column }})
    select {{ columns }} from {{ source }}
{%- endmacro %}

{#- `replaced`: the target rows the load's rows replace (may read
    <target>__new, the load's rows) -#}
{% macro spark_rewrite_incremental(source, target, replaced) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set new, kept = target ~ '__new', target ~ '__kept' -%}
    {%- do run_query('drop table if exists ' ~ new) -%}
    {%- do run_query('drop table if exists ' ~ kept) -%}
    {%- do run_query('create table ' ~ new ~ ' using parquet as select ' ~ columns ~ ' from ' ~ source) -%}
    {%- do run_query('create table ' ~ kept ~ ' using parquet as select ' ~ columns ~ ' from ' ~ target
                     ~ ' where not coalesce(' ~ replaced ~ ', false)') -%}
    insert overwrite table {{ target }}
    select {{ columns }} from {{ kept }}
    union all
    select {{ columns }} from {{ new }}
{%- endmacro %}

{#- Seeds on Spark: dbt-spark's session connection substitutes seed values
    into the insert without escaping (`'New Year's Day'` breaks the
    statement); the values are written as escaped literals here instead. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set values = [] %}
        {% for row in chunk %}
            {% set cells = [] %}
            {% for value in row %}
                {% set col_name = agate_table.column_names[loop.index0] %}
                {% set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) %}
                {% if value is none %}
                    {% do cells.append('cast(null as ' ~ type ~ ')') %}
                {% else %}
                    {% set text = value | string | replace('\\', '\\\\') | replace("'", "\\'") %}
                    {% do cells.append("cast('" ~ text ~ "' as " ~ type ~ ")") %}
                {% endif %}
            {% endfor %}
            {% do values.append('(' ~ cells | join(',') ~ ')') %}
        {% endfor %}
        {% set sql = 'insert into ' ~ this.render() ~ ' values ' ~ values | join(',') %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}{% do statements.append(sql) %}{% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{#- Contracts on Spark: plain Parquet tables cannot hold NOT NULL or CHECK
    constraints (Delta can), so dbt-spark's ALTER TABLE fails. The
    constraints are verified instead, right after the table is created: one
    query counts the rows breaking each not_null and check constraint (column
    and model level) and the model fails naming them, as an enforced
    constraint fails the insert on DuckDB. -#}
{% macro spark__persist_constraints(relation, model) %}
    {% if not config.get('contract').enforced %}{{ return(none) }}{% endif %}
    {% set checks = [] %}
    {% for column_name, column in model.columns.items() %}
        {% for constraint in column.get('constraints', []) %}
            {% if constraint.type == 'not_null' %}
                {% do checks.append((column_name ~ ' is null', column_name ~ ' is null')) %}
            {% elif constraint.type == 'check' %}
                {% do checks.append(('not (' ~ constraint.expression ~ ')', column_name ~ ': ' ~ constraint.expression)) %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% for constraint in model.get('constraints', []) if constraint.type == 'check' %}
        {% do checks.append(('not (' ~ constraint.expression ~ ')', constraint.expression)) %}
    {% endfor %}
    {% if not checks %}{{ return(none) }}{% endif %}
    {% set counts = [] %}
    {% for failing, label in checks %}
        {#- a check that is null passes, as in SQL -#}
        {% do counts.append('count(case when ' ~ failing ~ ' then 1 end)') %}
    {% endfor %}
    {% set result = run_query('select ' ~ counts | join(', ') ~ ' from ' ~ relation) %}
    {% set broken = [] %}
    {% for failing, label in checks %}
        {% set n = result.rows[0][loop.index0] %}
        {% if n > 0 %}{% do broken.append(label ~ ' (' ~ n ~ ' rows)') %}{% endif %}
    {% endfor %}
    {% if broken %}
        {{ exceptions.raise_compiler_error(relation ~ " breaks its contract's constraints: " ~ broken | join('; ')) }}
    {% endif %}
{% endmacro %}

{#- Spark (dbt-spark) implementations of the raw readers and their ledgers
    (macros/raw/create_raw_views.sql, macros/staging/staging_read.sql).

    raw.<system>__<entity> is a view over one external CSV table per
    distinct header (raw.<entity>__csv_<n>, columns in the header's order,
    all text, `_corrupt_record` for records that do not split into the
    header's fields) and one Parquet scan per distinct schema, with the
    contract columns as text and `source_file`, as on DuckDB. Files are
    listed with the binaryFile source (its file index skips names starting
    with `.` or `_`, as raw_file_is_hidden does); a file group is one glob
    of `{a,b,...}`. Dropping an external table never deletes the files.

    Differences from DuckDB, by design of the engine:
    - Spark's CSV reader reports no line number for a malformed record: the
      line is found by the record's text in the file (spark__capture_malformed_rows);
    - raw.malformed_rows and raw.file_manifest are plain Parquet tables
      (no DELETE on non-Delta tables): a delete rewrites the table
      (spark_delete_where).
-#}

{% macro spark_uri_to_path(expr) -%}
    regexp_replace({{ expr }}, '^file:(//)?', '')
{%- endmacro %}

{#- `{a,b}` glob of absolute paths for a Spark file source -#}
{% macro spark_path_glob(paths) -%}
    {%- if paths | length == 1 -%}{{ return(sql_quote_text(paths[0])) }}{%- endif -%}
    {%- set folders, names = [], [] -%}
    {%- for p in paths -%}
        {%- do folders.append(p.rsplit('/', 1)[0]) -%}
        {%- do names.append(p.rsplit('/', 1)[1]) -%}
    {%- endfor -%}
    {%- if folders | unique | list | length == 1 -%}
        {{ return(sql_quote_text(folders[0] ~ '/{' ~ names | join(',') ~ '}')) }}
    {%- endif -%}
    {{ return(sql_quote_text('{' ~ paths | join(',') ~ '}')) }}
{%- endmacro %}

{#- delete from a plain (non-Delta) table: keep the other rows in a scratch
    table, overwrite the table with them -#}
{% macro spark_delete_where(table, condition) %}
    {% set scratch = table ~ '__kept' %}
    {% do run_query('drop table if exists ' ~ scratch) %}
    {% do run_query('create table ' ~ scratch ~ ' using parquet as select * from ' ~ table ~ ' where not (' ~ condition ~ ')') %}
    {% do run_query('insert overwrite table ' ~ table ~ ' select * from ' ~ scratch) %}
    {% do run_query('drop table ' ~ scratch) %}
{% endmacro %}

{% macro spark__create_raw_views() %}
    {% set contract = raw_contract() %}
    {% set root = raw_dir() %}
    {% do run_query('create schema if not exists raw') %}

    {#- 1. list the files of every entity folder (size, time; CSV: header
        line and a UTF-8 check) -#}
    {% set listing = run_query(
        "select " ~ spark_uri_to_path('path') ~ " as file, "
        ~ "case when lower(path) like '%.csv' then split(replace(left(decode(content, 'UTF-8'), 65536), '\\r', ''), '\\n')[0] end as header_line, "
        ~ "case when lower(path) like '%.csv' then instr(decode(content, 'UTF-8'), '\\uFFFD') > 0 else false end as is_not_utf8 "
        ~ "from binaryFile.`" ~ root ~ "/*/*/*` order by 1"
    ) %}
    {% set skipped = [] %}
    {% set files_by_entity = {} %}
    {% for name in contract %}
        {% do files_by_entity.update({name: {'csv': [], 'parquet': []}}) %}
    {% endfor %}
    {% set csv_header = {} %}
    {% set not_utf8 = [] %}
    {% for row in listing.rows %}
        {% set path = row[0] %}
        {% set parts = path[root | length + 1:].split('/') %}
        {% if parts | length == 3 %}
            {% set name = parts[0] ~ '__' ~ parts[1] %}
            {% set fmt = raw_file_format(parts[2]) %}
            {% if name in contract and fmt == 'csv' %}
                {% do files_by_entity[name]['csv'].append(path) %}
                {% if row[2] %}{% do not_utf8.append(path) %}{% endif %}
                {% do csv_header.update({path: raw_header_columns(row[1])}) %}
            {% elif name in contract and fmt == 'parquet' %}
                {% do files_by_entity[name]['parquet'].append(path) %}
            {% elif name in contract and not raw_file_is_hidden(parts[2]) %}
                {% do skipped.append((name, path)) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% set exports = [] %}
    {% for formats in files_by_entity.values() %}{% do exports.extend(formats['csv'] + formats['parquet']) %}{% endfor %}
    {% if not exports %}
        {{ exceptions.raise_compiler_error(
            "Raw folder " ~ root ~ " has no export files (<system>/<entity>/*.csv or *.parquet, raw-sources.md): "
            ~ "point RAW_DIR (or --raw-dir) at your exports, or run `ccw simulate --out " ~ root ~ "` for demo data"
        ) }}
    {% endif %}
    {% if not_utf8 %}
        {{ exceptions.raise_compiler_error(not_utf8_message(not_utf8[0], not_utf8 | length - 1)) }}
    {% endif %}
    {% do check_raw_manifest(root) %}

    {#- 2. one view per entity over its file groups -#}
    {% set errors = [] %}
    {% set statements = [] %}
    {% for name, spec in contract.items() %}
        {% set wanted = spec['columns'] | map(attribute='name') | list %}
        {% set branches = [] %}
        {% set grouped = raw_csv_groups(name, files_by_entity[name]['csv'], csv_header, wanted, errors) %}
        {% set csv_groups, csv_group_order = grouped['groups'], grouped['order'] %}
        {#- forget the groups of an earlier invocation -#}
        {% set old = run_query("show tables in raw like '" ~ name ~ "__csv_*'") %}
        {% for row in old.rows %}
            {% do statements.append('drop table if exists raw.' ~ row[1]) %}
        {% endfor %}
        {% for sig in csv_group_order %}
            {% set group_table = 'raw.' ~ name ~ '__csv_' ~ loop.index %}
            {% set cols = sig.split(',') %}
            {% set typed = [] %}
            {% set seen = [] %}
            {% for c in cols %}
                {% if c in wanted and c not in seen %}
                    {% do typed.append('`' ~ c ~ '` string') %}
                    {% do seen.append(c) %}
                {% else %}
                    {% do typed.append('`_extra_' ~ loop.index ~ '` string') %}
                {% endif %}
            {% endfor %}
            {% do statements.append(
                "create table " ~ group_table ~ " (" ~ typed | join(', ') ~ ", _corrupt_record string) using csv "
                ~ "options (path '" ~ spark_path_glob(csv_groups[sig]) ~ "', header 'true', multiLine 'true', "
                ~ "escape '\"', mode 'PERMISSIVE', columnNameOfCorruptRecord '_corrupt_record')"
            ) %}
            {% set select_list = [] %}
            {% for c in wanted %}{% do select_list.append('`' ~ c ~ '`') %}{% endfor %}
            {% do branches.append(
                "select " ~ select_list | join(', ') ~ ", " ~ spark_uri_to_path('input_file_name()')
                ~ " as source_file from " ~ group_table ~ " where _corrupt_record is null"
            ) %}
        {% endfor %}

        {% set pq_groups = {} %}
        {% set pq_group_order = [] %}
        {% for path in files_by_entity[name]['parquet'] %}
            {% set described = described_columns(run_query("describe query select * from parquet.`" ~ sql_quote_text(path) ~ "`")) %}
            {% set types = described['types'] %}
            {% set actual = described['actual'] %}
            {% set missing = wanted | reject('in', types) | list %}
            {% if missing %}
                {% do errors.append("entity " ~ name ~ ": file " ~ path ~ " lacks required column(s) "
                    ~ missing | join(', ') ~ " (columns: " ~ types.keys() | join(', ') ~ ")") %}
            {% else %}
                {% set sig_parts = [] %}
                {% for row in described.rows %}{% do sig_parts.append(row[0] ~ ':' ~ row[1]) %}{% endfor %}
                {% set sig = sig_parts | join('|') %}
                {% if sig not in pq_groups %}
                    {% do pq_groups.update({sig: {'files': [], 'types': types, 'actual': actual}}) %}
                    {% do pq_group_order.append(sig) %}
                {% endif %}
                {% do pq_groups[sig]['files'].append(path) %}
            {% endif %}
        {% endfor %}
        {% for sig in pq_group_order %}
            {% set group = pq_groups[sig] %}
            {% set select_list = [] %}
            {% for col in spec['columns'] %}
                {% do select_list.append(
                    spark_parquet_value_as_raw_text('`' ~ group['actual'][col['name']] ~ '`', group['types'][col['name']], col['type'], spec['system'])
                    ~ ' as `' ~ col['name'] ~ '`'
                ) %}
            {% endfor %}
            {% do branches.append(
                "select " ~ select_list | join(', ') ~ ", " ~ spark_uri_to_path('input_file_name()')
                ~ " as source_file from parquet.`" ~ spark_path_glob(group['files']) ~ "`"
            ) %}
        {% endfor %}

        {% do statements.append(raw_entity_view_sql(name, spec, branches)) %}
    {% endfor %}

    {% do raise_raw_contract_errors(errors) %}

    {% do statements.append(
        "create table if not exists raw.malformed_rows (entity string, source_file string, "
        ~ "source_line bigint, error_type string, csv_line string, error_message string, loaded_in string) using parquet"
    ) %}
    {#- the files listed now, for the parsed models' new-file filter
        (spark__raw_new_files_filter: no second listing, no scan) -#}
    {% set listed = [] %}
    {% for name, formats in files_by_entity.items() %}
        {% for path in formats['csv'] + formats['parquet'] %}{% do listed.append((name, path)) %}{% endfor %}
    {% endfor %}
    {% do statements.append('drop table if exists raw.listed_files') %}
    {% do statements.append("create table raw.listed_files using parquet as " ~ raw_entity_files_select(listed)) %}
    {% do statements.append('drop table if exists raw.skipped_files') %}
    {% do statements.append("create table raw.skipped_files using parquet as " ~ raw_entity_files_select(skipped)) %}
    {% do warn_skipped_files(skipped) %}

    {% for statement in statements %}
        {% do run_query(statement) %}
    {% endfor %}
    {{ return('select 1') }}
{% endmacro %}

{#- parquet_value_as_raw_text for Spark's types (describe: timestamp,
    timestamp_ntz, date, boolean, string, ...) -#}
{% macro spark_parquet_value_as_raw_text(expr, spark_type, contract_type, system) -%}
    {%- set t = spark_type | lower -%}
    {%- if t == 'string' -%}
        nullif({{ expr }}, '')
    {%- elif t.startswith('timestamp') -%}
        {%- set zoned = t == 'timestamp' -%}
        {%- if contract_type == 'date' -%}
            date_format(cast({{ expr }} as timestamp), 'yyyy-MM-dd')
        {%- elif zoned and system == 'telephony' -%}
            {{ spark_timestamp_as_raw_text("from_utc_timestamp(" ~ expr ~ ", '" ~ var('telephony_timezone') ~ "')", system) }}
        {%- else -%}
            {{ spark_timestamp_as_raw_text("cast(" ~ expr ~ " as timestamp)", system) }}
        {%- endif -%}
    {%- elif t == 'date' -%}
        {%- if contract_type == 'ts' -%}
            {{ spark_timestamp_as_raw_text("cast(" ~ expr ~ " as timestamp)", system) }}
        {%- else -%}
            date_format({{ expr }}, 'yyyy-MM-dd')
        {%- endif -%}
    {%- elif t == 'boolean' -%}
        case when {{ expr }} then 'true' when not {{ expr }} then 'false' end
    {%- else -%}
        cast({{ expr }} as string)
    {%- endif -%}
{%- endmacro %}

{% macro spark_timestamp_as_raw_text(expr, system) -%}
    {%- if system in ('crm', 'wfm') -%}
        {%- set f1, f2 = "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'" -%}
    {%- elif system == 'messaging' -%}
        {%- set f1, f2 = "yyyy-MM-dd'T'HH:mm:ss'+00:00'", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'" -%}
    {%- else -%}
        {%- set f1, f2 = 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm:ss.SSSSSS' -%}
    {%- endif -%}
    case
        when unix_micros({{ expr }}) % 1000000 = 0 then date_format({{ expr }}, "{{ f1 }}")
        else date_format({{ expr }}, "{{ f2 }}")
    end
{%- endmacro %}

{#- Spark: as on DuckDB, a file is compared by size and modification time
    from the listing (binaryFile reads no content for it), and only a file
    of the same size with another time is hashed. The manifest keeps the
    time of the load (no UPDATE on Parquet tables), so a touched file with
    the same content is hashed again on each load. -#}
{% macro spark__check_raw_manifest(root) %}
    {% do run_query(
        "create table if not exists raw.file_manifest (entity string, relative_path string, source_file string, "
        ~ "size bigint, last_modified string, content_md5 string, loaded_in string) using parquet"
    ) %}
    {% if flags.FULL_REFRESH %}{{ return(none) }}{% endif %}
    {% set changes = run_query(
        "with current_files as (select " ~ spark_uri_to_path('path') ~ " as filename, length as size, "
        ~ "cast(modificationTime as string) as last_modified from binaryFile.`" ~ root ~ "/*/*/*`) "
        ~ "select m.source_file, c.filename is null as is_deleted, not (c.size <=> m.size) as size_changed, "
        ~ "m.size, c.size, m.content_md5 "
        ~ "from raw.file_manifest as m left join current_files as c on c.filename = m.source_file "
        ~ "where c.filename is null or not (c.size <=> m.size) or not (c.last_modified <=> m.last_modified) "
        ~ "order by m.source_file"
    ) %}
    {% set problems = [] %}
    {% set touched = {} %}
    {% for row in changes.rows %}
        {% if row[1] %}
            {% do problems.append(row[0] ~ " was deleted") %}
        {% elif row[2] %}
            {% do problems.append(row[0] ~ " was rewritten (" ~ row[3] ~ " -> " ~ row[4] ~ " bytes)") %}
        {% else %}
            {% do touched.update({row[0]: row[5]}) %}
        {% endif %}
    {% endfor %}
    {% if touched %}
        {% set hashed = run_query(
            "select " ~ spark_uri_to_path('path') ~ ", md5(content) from binaryFile.`"
            ~ spark_path_glob(touched.keys() | list) ~ "`"
        ) %}
        {% for row in hashed.rows if row[1] != touched[row[0]] %}
            {% do problems.append(row[0] ~ " was rewritten (same size, other content)") %}
        {% endfor %}
    {% endif %}
    {% do raise_changed_raw_files(problems) %}
{% endmacro %}

{% macro spark__raw_new_files_filter(entity_name, loaded) -%}
    {%- if not execute -%}{{ return('false') }}{%- endif -%}
    {%- set listing = run_query(
        "select file from raw.listed_files where entity = '" ~ entity_name ~ "' "
        ~ "and file not in (select distinct source_file from " ~ loaded ~ ") order by file"
    ) -%}
    {%- set files = listing.columns[0].values() | list -%}
    {%- if files | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return('source_file in (' ~ sql_path_list(files)[1:-1] ~ ')') }}
{%- endmacro %}

{% macro spark__reset_raw_ledgers(entity_name) %}
    {% if execute and not is_incremental() %}
        {% do spark_delete_where('raw.malformed_rows', "entity = '" ~ entity_name ~ "'") %}
        {% do spark_delete_where('raw.file_manifest', "entity = '" ~ entity_name ~ "'") %}
    {% endif %}
    select 1
{% endmacro %}

{#- records of the entity's CSV groups that did not split into the
    header's fields, not yet in the ledger, with their line: the first line
    of the record's text found in the file (binaryFile, lines numbered from
    the header's 1), and DuckDB's error type and message for a record with
    too few or too many fields (fields counted outside quotes). -#}
{% macro spark__capture_malformed_rows(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set groups = run_query("show tables in raw like '" ~ entity_name ~ "__csv_*'") %}
    {% if not groups.rows %}{{ return('select 1') }}{% endif %}
    {% set selects = [] %}
    {% for row in groups.rows %}
        {% set width = run_query('describe raw.' ~ row[1]).rows | length - 1 %}
        {% do selects.append("select " ~ spark_uri_to_path('input_file_name()') ~ " as source_file, _corrupt_record as csv_line, "
            ~ width ~ " as expected_fields from raw." ~ row[1] ~ " where _corrupt_record is not null") %}
    {% endfor %}
    {% set bad_sql = selects | join(' union all ') %}
    {% set files = run_query('select distinct source_file from (' ~ bad_sql ~ ')').columns[0].values() | list %}
    {% if not files %}{{ return('select 1') }}{% endif %}
    insert into raw.malformed_rows
    with bad as (
        select distinct
            source_file,
            csv_line,
            expected_fields,
            size(split(regexp_replace(csv_line, '"([^"]|"")*"', ''), ',', -1)) as found_fields
        from ({{ bad_sql }})
    ),
    file_lines as (
        select
            {{ spark_uri_to_path('path') }} as source_file,
            cast(numbered.pos + 1 as bigint) as source_line,
            regexp_replace(numbered.line, '\r$', '') as line_text
        from binaryFile.`{{ spark_path_glob(files) }}`
        lateral view posexplode(split(decode(content, 'UTF-8'), '\n')) numbered as pos, line
    ),
    located as (
        select distinct
            file_lines.source_file,
            file_lines.source_line,
            bad.csv_line,
            bad.expected_fields,
            bad.found_fields
        from bad
        inner join file_lines
            on file_lines.source_file = bad.source_file
            and file_lines.line_text = regexp_replace(split(bad.csv_line, '\n')[0], '\r$', '')
    )
    select
        '{{ entity_name }}' as entity,
        located.source_file,
        located.source_line,
        case
            when located.found_fields > located.expected_fields then 'TOO MANY COLUMNS'
            when located.found_fields < located.expected_fields then 'MISSING COLUMNS'
            else 'MALFORMED RECORD'
        end as error_type,
        located.csv_line,
        'Expected Number of Columns: ' || located.expected_fields || ' Found: ' || located.found_fields as error_message,
        '{{ invocation_id }}' as loaded_in
    from located
    where not exists (
        select 1 from raw.malformed_rows as m
        where m.entity = '{{ entity_name }}' and m.source_file = located.source_file and m.source_line = located.source_line
    )
{% endmacro %}

{% macro spark__record_loaded_files(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set root = raw_dir() %}
    {% set files = raw_files_loaded_now(entity_name) %}
    {% if not files %}{{ return('select 1') }}{% endif %}
    {% do spark_delete_where('raw.file_manifest', 'source_file in (' ~ sql_path_list(files)[1:-1] ~ ')') %}
    {{ return(
        "insert into raw.file_manifest select '" ~ entity_name ~ "', substr(" ~ spark_uri_to_path('path') ~ ", "
        ~ (root | length + 2) ~ "), " ~ spark_uri_to_path('path') ~ ", length, cast(modificationTime as string), md5(content), '"
        ~ invocation_id ~ "' from binaryFile.`" ~ spark_path_glob(files) ~ "`"
    ) }}
{% endmacro %}

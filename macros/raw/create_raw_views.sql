{#- on-run-start: (re)create one view per raw entity in schema `raw`.

    raw.<system>__<entity> reads every *.csv and *.parquet file of
    <raw_dir()>/<system>/<entity>/ (extension case-insensitive; files whose
    name starts with `.` or `_` are skipped), unioned by column name, every
    contract column as text, extra columns dropped, plus `source_file` (the
    absolute path) and `_loaded_at` (the entity's freshness column parsed to
    naive UTC, for `dbt source freshness`).

    Cost: a fixed number of queries per invocation, whatever the number of
    files: one glob, one header scan of the CSV files no earlier run loaded
    (read_blob: first line, and UTF-8 check; a loaded file's header line is
    in raw.file_manifest), one parquet_schema() over all Parquet files, and
    one DESCRIBE per distinct Parquet schema. Files with the same header are
    read by a single
    read_csv(list, columns=...) without sniffing (the CSV sniffer and
    union_by_name cost ~10x on a year of files). The listing and the Parquet
    schemas are grouped in SQL and a header line is parsed once, so Jinja
    does little per file: a year of files (3,650), this hook took 1.7 s of
    every invocation, 0.7-0.8 s now on Parquet and 1.1 s on CSV.

    A file lacking a contract column stops the invocation with an error naming
    the entity, the file and the column(s). An absent or empty folder, header-
    only CSVs and 0-byte files give an empty view with the contract columns.

    Every physical record is accounted for: CSV records that cannot be split
    into the header's fields (too few or too many fields, an unterminated
    quote, a file cut off mid-record) are kept out of the view by DuckDB's
    reject tables (store_rejects, one temporary table pair per entity,
    raw_rejects_<entity> / raw_reject_scans_<entity>); the parsed model of the
    entity copies them into raw.malformed_rows with file and line
    (capture_malformed_rows). A CSV file that is not UTF-8 (GBK/GB18030
    exports) stops the build with one line saying how to convert it. Parquet
    BINARY columns without a UTF-8 annotation are read as text. Files of any
    other extension in an entity folder are listed in raw.skipped_files and
    logged, never ignored silently.

    Changed raw files are detected: raw.file_manifest holds every file a
    parsed model loaded (path relative to the raw folder, size, modification
    time, md5 of the content, a CSV file's header line). Unless
    --full-refresh is given, a loaded file that was deleted or rewritten
    since, or a raw folder that moved, stops
    the invocation with one line asking for --full-refresh (the warehouse
    holds rows of the files as they were; check_raw_manifest). A raw folder
    with no .csv or .parquet file at all stops it too: empty marts are never
    published.
-#}
{% macro create_raw_views() %}
    {% if execute %}
        {{ return(adapter.dispatch('create_raw_views', 'contact_center')()) }}
    {% endif %}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__create_raw_views() %}
    {% set contract = raw_contract() %}
    {% set root = raw_dir() %}

    {#- 1. list the files of every entity folder, classified and grouped in
        SQL (per entity folder and format: csv, parquet, hidden or other, as
        raw_file_format says), so that Jinja loops over a few groups, not
        over every file (a year of files: ~0.5 s of every invocation) -#}
    {% set listing = run_query(
        "select parts[1] || '__' || parts[2] as entity, " ~ raw_file_format_sql('parts[3]') ~ " as fmt, "
        ~ "to_json(list(file order by file)) as files "
        ~ "from (select file, string_split(substr(file, " ~ (root | length + 2) ~ "), '/') as parts "
        ~ "from glob('" ~ sql_quote_text(root) ~ "/*/*/*')) where len(parts) = 3 group by entity, fmt"
    ) %}
    {% set skipped = [] %}
    {% set files_by_entity = {} %}
    {% for name in contract %}
        {% do files_by_entity.update({name: {'csv': [], 'parquet': []}}) %}
    {% endfor %}
    {% for name, fmt, files in listing.rows if name in contract %}
        {% if fmt in ('csv', 'parquet') %}
            {% do files_by_entity[name][fmt].extend(fromjson(files)) %}
        {% elif fmt == 'other' %}
            {% for path in fromjson(files) %}{% do skipped.append((name, path)) %}{% endfor %}
        {% endif %}
    {% endfor %}
    {% set skipped = skipped | sort(attribute='1') %}
    {% set all_csv = [] %}
    {% set all_parquet = [] %}
    {% for name in contract %}
        {% do all_csv.extend(files_by_entity[name]['csv']) %}
        {% do all_parquet.extend(files_by_entity[name]['parquet']) %}
    {% endfor %}

    {% if not (all_csv or all_parquet) %}
        {{ exceptions.raise_compiler_error(
            "Raw folder " ~ root ~ " has no export files (<system>/<entity>/*.csv or *.parquet, raw-sources.md): "
            ~ "point RAW_DIR (or --raw-dir) at your exports, or run `ccw simulate --out " ~ root ~ "` for demo data"
        ) }}
    {% endif %}
    {% do check_raw_manifest(root) %}

    {#- 2. CSV headers, one scan over the CSV files; a file that is not UTF-8
        (try(decode) is null) is named in one error line. A file the
        warehouse loaded before (raw.file_manifest; check_raw_manifest just
        made sure it is unchanged) has its header line there and was checked
        when it was loaded: only new files are read whole (a year of CSV
        exports, 1.6 GB: 1.0-2.8 s on every load before) -#}
    {% set csv_header = {} %}
    {% set header_columns = {} %}
    {% set to_scan = all_csv %}
    {% if all_csv and not flags.FULL_REFRESH %}
        {% set recorded = run_query(
            "select source_file, header_line from raw.file_manifest where header_line is not null"
        ) %}
        {% for row in recorded.rows %}
            {% do csv_header.update({row[0]: raw_header_columns_once(row[1], header_columns)}) %}
        {% endfor %}
        {% set to_scan = all_csv | reject('in', csv_header) | list %}
    {% endif %}
    {% if to_scan %}
        {% set headers = run_query(
            "select filename, " ~ raw_csv_header_line('text') ~ " as header_line, "
            ~ "text is null and size > 0 as is_not_utf8 "
            ~ "from (select filename, size, try(decode(content)) as text from read_blob(" ~ sql_path_list(to_scan) ~ "))"
        ) %}
        {% set not_utf8 = [] %}
        {% for row in headers.rows if row[2] %}{% do not_utf8.append(row[0]) %}{% endfor %}
        {% if not_utf8 %}
            {{ exceptions.raise_compiler_error(not_utf8_message(not_utf8[0], not_utf8 | length - 1)) }}
        {% endif %}
        {% for row in headers.rows %}
            {% do csv_header.update({row[0]: raw_header_columns_once(row[1], header_columns)}) %}
        {% endfor %}
    {% endif %}

    {#- 3. Parquet schemas, one query over all Parquet files, grouped in SQL
        (a year of files: 30,000 schema rows; looping over them in Jinja cost
        ~1 s of every invocation): per entity, its files with the same leaf
        columns (names and types, in order), in path order of their first
        file; a file without a column is in a group with no names -#}
    {% set parquet_groups = {} %}
    {% if all_parquet %}
        {% set parquet_files = sql_path_list(all_parquet) %}
        {% set schemas = run_query(
            "with listed as (select file_name, string_split(substr(file_name, " ~ (root | length + 2) ~ "), '/') as parts "
            ~ "from (select unnest(" ~ parquet_files ~ ") as file_name)), "
            ~ "leaves as (select file_name, name, coalesce(type, '') || '/' || coalesce(converted_type, '') || '/' "
            ~ "|| coalesce(logical_type, '') as sig, ordinality from parquet_schema(" ~ parquet_files
            ~ ") with ordinality where num_children is null or num_children = 0), "
            ~ "signed as (select file_name, string_agg(name || ':' || sig, '|' order by ordinality) as sig, "
            ~ "list(lower(name) order by ordinality) as names from leaves group by file_name) "
            ~ "select listed.parts[1] || '__' || listed.parts[2] as entity, to_json(any_value(signed.names)) as names, "
            ~ "to_json(list(listed.file_name order by listed.file_name)) as files "
            ~ "from listed left join signed on listed.file_name = signed.file_name "
            ~ "group by entity, signed.sig order by entity, min(listed.file_name)"
        ) %}
        {% for row in schemas.rows %}
            {% set name = row[0] %}
            {% do parquet_groups.setdefault(name, []).append({'names': fromjson(row[1]) or [], 'files': fromjson(row[2])}) %}
        {% endfor %}
    {% endif %}

    {#- 4. check every file against the contract, then build one view per entity -#}
    {% set errors = [] %}
    {% set statements = ['create schema if not exists raw'] %}
    {% for name, spec in contract.items() %}
        {% set wanted = spec['columns'] | map(attribute='name') | list %}
        {% set branches = [] %}

        {#- CSV: group files by header, one read_csv per group -#}
        {% set grouped = raw_csv_groups(name, files_by_entity[name]['csv'], csv_header, wanted, errors) %}
        {% set csv_groups, csv_group_order = grouped['groups'], grouped['order'] %}
        {% for sig in csv_group_order %}
            {% set cols = sig.split(',') %}
            {% set typed = [] %}
            {% set seen = [] %}
            {% for c in cols %}
                {% if c in wanted and c not in seen %}
                    {% do typed.append("'" ~ c ~ "': 'VARCHAR'") %}
                    {% do seen.append(c) %}
                {% else %}
                    {% do typed.append("'_extra_" ~ loop.index ~ "': 'VARCHAR'") %}
                {% endif %}
            {% endfor %}
            {% set select_list = [] %}
            {% for c in wanted %}
                {% do select_list.append('"' ~ c ~ '"') %}
            {% endfor %}
            {% do branches.append(
                "select " ~ select_list | join(', ') ~ ", filename as source_file from read_csv("
                ~ sql_path_list(csv_groups[sig]) ~ ", header = true, auto_detect = false, delim = ',', "
                ~ "quote = '\"', escape = '\"', filename = true, columns = {" ~ typed | join(', ') ~ "}, "
                ~ "store_rejects = true, rejects_table = '" ~ raw_rejects_table(name) ~ "', "
                ~ "rejects_scan = '" ~ raw_reject_scans_table(name) ~ "')"
            ) %}
        {% endfor %}

        {#- Parquet: one read_parquet per group of files with the same schema;
            the files of a group lacking a contract column are named, in path order -#}
        {% set pq_errors = [] %}
        {% for group in parquet_groups.get(name, []) %}
            {% set missing = wanted | reject('in', group['names']) | list %}
            {% set files = group['files'] %}
            {% if missing %}
                {% for path in files %}
                    {% do pq_errors.append([path, "entity " ~ name ~ ": file " ~ path ~ " lacks required column(s) "
                        ~ missing | join(', ') ~ " (columns: " ~ group['names'] | join(', ') ~ ")"]) %}
                {% endfor %}
            {% else %}
                {% set described = described_columns(run_query("describe select * from read_parquet(" ~ sql_path_list([files[0]]) ~ ", binary_as_string = true)")) %}
                {% set types = described['types'] %}
                {% set actual = described['actual'] %}
                {% set select_list = [] %}
                {% for col in spec['columns'] %}
                    {% set quoted = '"' ~ actual[col['name']] | replace('"', '""') ~ '"' %}
                    {% do select_list.append(
                        parquet_value_as_raw_text(quoted, types[col['name']], col['type'], spec['system'])
                        ~ ' as "' ~ col['name'] ~ '"'
                    ) %}
                {% endfor %}
                {% do branches.append(
                    "select " ~ select_list | join(', ') ~ ", filename as source_file from read_parquet("
                    ~ sql_path_list(files) ~ ", filename = true, binary_as_string = true)"
                ) %}
            {% endif %}
        {% endfor %}
        {% for error in pq_errors | sort(attribute='0') %}{% do errors.append(error[1]) %}{% endfor %}

        {% do statements.append(raw_entity_view_sql(name, spec, branches)) %}
    {% endfor %}

    {% do raise_raw_contract_errors(errors) %}

    {#- the ledgers: malformed CSV records (kept across incremental builds) and
        the files of other extensions (listed anew every invocation) -#}
    {% do statements.append(
        "create table if not exists raw.malformed_rows (entity varchar, source_file varchar, "
        ~ "source_line bigint, error_type varchar, csv_line varchar, error_message varchar, loaded_in varchar)"
    ) %}
    {% do statements.append("create or replace table raw.skipped_files as " ~ raw_entity_files_select(skipped)) %}
    {% do warn_skipped_files(skipped) %}

    {% for statement in statements %}
        {% do run_query(statement) %}
    {% endfor %}
    {{ return('select 1') }}
{% endmacro %}

{#- The temporary reject tables DuckDB fills while reading an entity's CSV files. -#}
{% macro raw_rejects_table(entity_name) %}{{ return('raw_rejects_' ~ entity_name) }}{% endmacro %}
{% macro raw_reject_scans_table(entity_name) %}{{ return('raw_reject_scans_' ~ entity_name) }}{% endmacro %}

{#- The one rule for which files of an entity folder are read:
    `extensions` (the last dot-separated part of the name, in any case) and
    `hidden_prefixes` (names starting with one are not exports: editor
    files, `_ground_truth`; never read, never listed). raw_file_format and
    raw_file_is_hidden apply it in Jinja, raw_file_format_sql in SQL. -#}
{% macro raw_file_rules() -%}
    {{ return({'extensions': ['csv', 'parquet'], 'hidden_prefixes': ['.', '_']}) }}
{%- endmacro %}

{#- 'csv' or 'parquet' for a raw file name the build reads (raw_file_rules),
    '' for any other file. -#}
{% macro raw_file_format(file_name) -%}
    {%- set ext = file_name.split('.')[-1] | lower if '.' in file_name else '' -%}
    {%- if raw_file_is_hidden(file_name) or ext not in raw_file_rules()['extensions'] -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(ext) }}
{%- endmacro %}

{#- raw_file_format as a SQL expression over a file name: 'csv', 'parquet',
    'hidden' (raw_file_is_hidden) or 'other'; create_raw_views classifies a
    whole folder listing with it in one query. -#}
{% macro raw_file_format_sql(file_name) -%}
    {%- set rules = raw_file_rules() -%}
    case
        when {% for prefix in rules['hidden_prefixes'] -%}
            starts_with({{ file_name }}, '{{ prefix }}'){% if not loop.last %} or {% endif %}
        {%- endfor %} then 'hidden'
        when contains({{ file_name }}, '.') and lower(string_split({{ file_name }}, '.')[-1]) in (
            {%- for ext in rules['extensions'] %}'{{ ext }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        )
            then lower(string_split({{ file_name }}, '.')[-1])
        else 'other'
    end
{%- endmacro %}

{#- A name raw_file_rules marks as not an export. -#}
{% macro raw_file_is_hidden(file_name) -%}
    {%- for prefix in raw_file_rules()['hidden_prefixes'] if file_name.startswith(prefix) -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- A Jinja string made safe inside a SQL single-quoted literal. -#}
{#- The columns a DESCRIBE answered, by lower-case name (names match the
    contract in any letter case; the first of two names that differ only
    in case wins): {'types': {name: type}, 'actual': {name: the file's own
    spelling}}. The DuckDB and Spark raw views both read Parquet schemas
    through it. -#}
{% macro described_columns(described) -%}
    {%- set types = {} -%}
    {%- set actual = {} -%}
    {%- for row in described.rows -%}
        {%- if (row[0] | lower) not in types -%}
            {%- do types.update({row[0] | lower: row[1]}) -%}
            {%- do actual.update({row[0] | lower: row[0]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return({'types': types, 'actual': actual}) -}}
{%- endmacro %}

{% macro sql_quote_text(text) -%}
    {{ return(text | replace("'", "''")) }}
{%- endmacro %}

{#- ['/abs/a.csv', '/abs/b.csv'] as a SQL list literal. -#}
{% macro sql_path_list(paths) -%}
    {#- filters, not a macro call per path: a year of files is 3,650 paths,
        and a Jinja macro call costs about 0.07 ms -#}
    {%- set quoted = paths | map('replace', "'", "''") | list -%}
    {{ return("['" ~ quoted | join("', '") ~ "']" if quoted else '[]') }}
{%- endmacro %}

{#- A native Parquet value as the text a CSV export of that system holds:
    naive timestamps are the system's wall time, zoned ones instants; an empty
    string is null, as an empty CSV field is. -#}
{% macro parquet_value_as_raw_text(expr, duckdb_type, contract_type, system) -%}
    {%- set t = duckdb_type | upper -%}
    {%- if t == 'VARCHAR' -%}
        nullif({{ expr }}, '')
    {%- elif t.startswith('TIMESTAMP') -%}
        {%- set zoned = 'WITH TIME ZONE' in t -%}
        {%- if contract_type == 'date' -%}
            strftime(cast({{ expr }} as timestamp), '%Y-%m-%d')
        {%- elif zoned -%}
            {%- if system == 'telephony' -%}
                {{ timestamp_as_raw_text("timezone('" ~ var('telephony_timezone') ~ "', " ~ expr ~ ")", system) }}
            {%- else -%}
                {{ timestamp_as_raw_text("timezone('UTC', " ~ expr ~ ")", system) }}
            {%- endif -%}
        {%- else -%}
            {{ timestamp_as_raw_text("cast(" ~ expr ~ " as timestamp)", system) }}
        {%- endif -%}
    {%- elif t == 'DATE' -%}
        {%- if contract_type == 'ts' -%}
            {{ timestamp_as_raw_text("cast(" ~ expr ~ " as timestamp)", system) }}
        {%- else -%}
            strftime({{ expr }}, '%Y-%m-%d')
        {%- endif -%}
    {%- elif t == 'BOOLEAN' -%}
        case when {{ expr }} then 'true' when not {{ expr }} then 'false' end
    {%- else -%}
        cast({{ expr }} as varchar)
    {%- endif -%}
{%- endmacro %}

{#- A naive timestamp (already the system's wall time) in the system's text format;
    fractional seconds only when there are any. -#}
{% macro timestamp_as_raw_text(expr, system) -%}
    {%- if system in ('crm', 'wfm') -%}
        {%- set f1, f2 = '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ' -%}
    {%- elif system == 'messaging' -%}
        {%- set f1, f2 = '%Y-%m-%dT%H:%M:%S+00:00', '%Y-%m-%dT%H:%M:%S.%f+00:00' -%}
    {%- else -%}
        {%- set f1, f2 = '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f' -%}
    {%- endif -%}
    case
        when date_part('microsecond', {{ expr }}) % 1000000 = 0 then strftime({{ expr }}, '{{ f1 }}')
        else strftime({{ expr }}, '{{ f2 }}')
    end
{%- endmacro %}

{#- Stop when a file the warehouse loaded was deleted or rewritten, or the raw
    folder moved (see create_raw_views); skipped with --full-refresh. The
    content hash is computed only for files whose size or time changed. -#}
{% macro check_raw_manifest(root) %}
    {{ return(adapter.dispatch('check_raw_manifest', 'contact_center')(root)) }}
{% endmacro %}
{% macro duckdb__check_raw_manifest(root) %}
    {% do run_query(
        "create schema if not exists raw; create table if not exists raw.file_manifest (entity varchar, "
        ~ "relative_path varchar, source_file varchar, size bigint, last_modified varchar, content_md5 varchar, "
        ~ "loaded_in varchar, header_line varchar); "
        ~ "alter table raw.file_manifest add column if not exists header_line varchar"
    ) %}
    {% if flags.FULL_REFRESH %}{{ return(none) }}{% endif %}
    {% set root_q = sql_quote_text(root) %}
    {% set moved = run_query(
        "select any_value(source_file), count(*) from raw.file_manifest "
        ~ "where source_file != '" ~ root_q ~ "/' || relative_path"
    ) %}
    {% if moved.columns[1].values()[0] > 0 %}
        {% set old = moved.columns[0].values()[0] %}
        {{ exceptions.raise_compiler_error(
            "The warehouse was loaded from another raw folder (" ~ old ~ " and "
            ~ (moved.columns[1].values()[0] - 1) ~ " more files) than " ~ root
            ~ ": rebuild it from this folder with `ccw build --full-refresh` (or `dbt build --full-refresh`)"
        ) }}
    {% endif %}
    {% set changes = run_query(
        "with current_files as (select filename, size, cast(last_modified as varchar) as last_modified "
        ~ "from read_blob('" ~ root_q ~ "/*/*/*')), "
        ~ "compared as (select m.source_file, m.size as old_size, c.size as new_size, m.content_md5, "
        ~ "c.filename is null as is_deleted, c.size is distinct from m.size as size_changed, "
        ~ "c.last_modified is distinct from m.last_modified as time_changed "
        ~ "from raw.file_manifest as m left join current_files as c on c.filename = m.source_file) "
        ~ "select source_file, is_deleted, size_changed, old_size, new_size, content_md5 from compared "
        ~ "where is_deleted or size_changed or time_changed order by source_file"
    ) %}
    {% set problems = [] %}
    {% set touched = [] %}
    {% for row in changes.rows %}
        {% if row[1] %}
            {% do problems.append(row[0] ~ " was deleted") %}
        {% elif row[2] %}
            {% do problems.append(row[0] ~ " was rewritten (" ~ row[3] ~ " -> " ~ row[4] ~ " bytes)") %}
        {% else %}
            {% do touched.append(row) %}
        {% endif %}
    {% endfor %}
    {% if touched %}
        {% set paths = [] %}
        {% for row in touched %}{% do paths.append(row[0]) %}{% endfor %}
        {% set hashed = run_query(
            "select filename, md5(content), cast(last_modified as varchar) from read_blob(" ~ sql_path_list(paths) ~ ")"
        ) %}
        {% set was = {} %}
        {% for row in touched %}{% do was.update({row[0]: row[5]}) %}{% endfor %}
        {% for row in hashed.rows %}
            {% if row[1] != was[row[0]] %}
                {% do problems.append(row[0] ~ " was rewritten (same size, other content)") %}
            {% else %}
                {#- only touched: same content, remember the new time -#}
                {% do run_query(
                    "update raw.file_manifest set last_modified = '" ~ row[2] ~ "' where source_file = '"
                    ~ sql_quote_text(row[0]) ~ "'"
                ) %}
            {% endif %}
        {% endfor %}
    {% endif %}
    {% do raise_changed_raw_files(problems) %}
{% endmacro %}

{#- One line for a CSV file that is not UTF-8 (read_blob check here, DuckDB's
    INVALID ENCODING rejects in capture_malformed_rows). -#}
{% macro not_utf8_message(path, more=0) %}
    {{ return("Raw file " ~ path ~ " is not UTF-8" ~ (" (and " ~ more ~ " more)" if more > 0 else "")
        ~ ": the contract reads UTF-8 CSV; convert it, e.g. for a GBK/GB18030 export "
        ~ "`iconv -f GB18030 -t UTF-8 in.csv > out.csv`, or export Parquet") }}
{% endmacro %}

{#- The helpers both engines' readers share (duckdb__ and spark__create_raw_views,
    check_raw_manifest). -#}

{#- The first line of a file's text (at most its first 64 KiB), without
    carriage returns: a CSV file's header line. -#}
{% macro raw_csv_header_line(text_expr) -%}
    split_part(replace(left({{ text_expr }}, 65536), chr(13), ''), chr(10), 1)
{%- endmacro %}

{#- A CSV header line as the lower-case column names, quotes, spaces and a
    byte-order mark removed; [] for a blank line. -#}
{% macro raw_header_columns(line) %}
    {% set line = (line or '') | replace('\ufeff', '') %}
    {% set cols = [] %}
    {% if line | trim != '' %}
        {% for c in line.split(',') %}
            {% do cols.append(c | trim | trim('"') | trim | lower) %}
        {% endfor %}
    {% endif %}
    {{ return(cols) }}
{% endmacro %}

{#- raw_header_columns of a header line, parsed once per distinct line
    (`seen`: line -> columns): a year of files shares a few header lines,
    and a macro call per file cost ~0.5 s of every invocation. -#}
{% macro raw_header_columns_once(line, seen) %}
    {% if line not in seen %}
        {% do seen.update({line: raw_header_columns(line)}) %}
    {% endif %}
    {{ return(seen[line]) }}
{% endmacro %}

{#- An entity's CSV files grouped by header ({'groups': {header: [path]},
    'order': [header]}); a file lacking a contract column is added to
    `errors`; a header-only or empty file (no columns) is left out. -#}
{% macro raw_csv_groups(name, paths, csv_header, wanted, errors) %}
    {% set groups = {} %}
    {% set order = [] %}
    {#- per distinct header: the contract columns it lacks -#}
    {% set missing_of = {} %}
    {% for path in paths %}
        {% set cols = csv_header.get(path, []) %}
        {% if cols | length > 0 %}
            {% set sig = cols | join(',') %}
            {% if sig not in missing_of %}
                {% do missing_of.update({sig: wanted | reject('in', cols) | list}) %}
            {% endif %}
            {% if missing_of[sig] %}
                {% do errors.append("entity " ~ name ~ ": file " ~ path ~ " lacks required column(s) "
                    ~ missing_of[sig] | join(', ') ~ " (header: " ~ cols | join(', ') ~ ")") %}
            {% else %}
                {% if sig not in groups %}
                    {% do groups.update({sig: []}) %}
                    {% do order.append(sig) %}
                {% endif %}
                {% do groups[sig].append(path) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {{ return({'groups': groups, 'order': order}) }}
{% endmacro %}

{% macro raise_raw_contract_errors(errors) %}
    {% if errors %}
        {{ exceptions.raise_compiler_error(
            "Raw files do not match the contract (raw-sources.md), missing required column(s):\n  - "
            ~ errors[:20] | join('\n  - ')
            ~ ('\n  ... and ' ~ (errors | length - 20) ~ ' more' if errors | length > 20 else '')
        ) }}
    {% endif %}
{% endmacro %}

{% macro warn_skipped_files(skipped) %}
    {% for name, path in skipped[:10] %}
        {% do exceptions.warn("skipped " ~ path ~ " (entity " ~ name ~ "): only .csv and .parquet files are read; listed in raw.skipped_files") %}
    {% endfor %}
{% endmacro %}

{% macro raise_changed_raw_files(problems) %}
    {% if problems %}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ problems[0] ~ " since the warehouse loaded it"
            ~ (" (and " ~ (problems | length - 1) ~ " more changed files)" if problems | length > 1 else "")
            ~ ": the warehouse holds its old rows; rebuild with `ccw build --full-refresh` "
            ~ "(or `dbt build --full-refresh`), or put the file back as it was"
        ) }}
    {% endif %}
{% endmacro %}

{#- `create or replace view raw.<name>` over the union of the entity's file
    branches (each selecting the contract columns and source_file), every
    column as text, plus _loaded_at; an entity without files gets an empty
    view with the same columns. Identifiers quoted the engine's way. -#}
{% macro raw_entity_view_sql(name, spec, branches) %}
    {% set wanted = spec['columns'] | map(attribute='name') | list %}
    {% if not branches %}
        {% set nulls = [] %}
        {% for c in wanted %}{% do nulls.append('cast(null as string) as ' ~ adapter.quote(c)) %}{% endfor %}
        {% set branches = ["select " ~ nulls | join(', ') ~ ", cast(null as string) as source_file where false"] %}
    {% endif %}
    {% set outer = [] %}
    {% for c in wanted %}{% do outer.append('cast(' ~ adapter.quote(c) ~ ' as string) as ' ~ adapter.quote(c)) %}{% endfor %}
    {{ return(
        "create or replace view raw." ~ name ~ " as select " ~ outer | join(', ')
        ~ ", cast(source_file as string) as source_file, "
        ~ parse_ts(adapter.quote(spec['loaded_at']), spec['system']) ~ " as _loaded_at from ("
        ~ branches | join(' union all ') ~ ") as raw_files"
    ) }}
{% endmacro %}

{#- `select * from (values ...) as t(entity, file)` of (entity, path) pairs,
    text columns; no row (but the columns) for an empty list. -#}
{% macro raw_entity_files_select(pairs) %}
    {% set rows = [] %}
    {% for name, path in pairs %}
        {% do rows.append("('" ~ name ~ "', '" ~ sql_quote_text(path) ~ "')") %}
    {% endfor %}
    {{ return(
        "select * from (values "
        ~ (rows | join(', ') if rows else "(cast(null as string), cast(null as string))")
        ~ ") as t(entity, file)" ~ ("" if rows else " where false")
    ) }}
{% endmacro %}

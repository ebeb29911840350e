{#- Staging step 1, read and type (the parsed layer, base_<entity>_parsed):
    one row per raw row of the files no earlier run loaded, typed, with the
    row-local reason code. The ledgers of what was read (raw.file_manifest,
    raw.malformed_rows) are kept by the hooks at the end of this file.
    Overview of the steps: macros/staging/staging_resolved.sql. -#}

{#- The key a run re-decides together: the entity's natural id (`scope` in
    raw_contract, else its key columns), as text, its parts joined by '|'.

    A row lacking a part of it (blank or unparseable: always a row reason,
    key columns being required) is a scope of its own, '#' and its record
    hash: its outcome depends on nothing but its exact copies, which share
    the hash. With one shared key '' for every such row, as before, a load
    re-decided (deleted and inserted again) every keyless row of the
    warehouse: a year of chat events, 37,408 keyless rows besides a day's
    25,205 new ones; base_messaging__messages' query alone 0.94 -> 0.50 s
    (the keys set by hand on a copy). A load that brings a keyless row still
    probes every row group for its key (the hash sorts before every id). An
    id that reads '#<hash>' would share its scope with such a row: both are
    then re-decided together, which decides each as alone.
    `record_hash`: the column or expression of the row's record hash. -#}
{% macro contract_scope_key(entity_name, record_hash='raw_record_hash') -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set scope = spec.get('scope', spec['key']) -%}
    {%- for k in scope if k not in spec['key'] -%}
        {{ exceptions.raise_compiler_error("raw_contract " ~ entity_name ~ ": scope column " ~ k
            ~ " is not a key column (" ~ spec['key'] | join(', ') ~ "): a row without it would not be rejected") }}
    {%- endfor -%}
    case
        when {% for k in scope %}{% if not loop.first %} or {% endif %}{{ k }} is null{% endfor %}
            then '#' || cast({{ record_hash }} as string)
        else {% for k in scope %}{% if not loop.first %} || '|' || {% endif %}cast({{ k }} as string){% endfor %}
    end
{%- endmacro %}

{#- The columns of base_<entity>_parsed and base_<entity> stored uncompressed
    on DuckDB (macros/storage.sql): the scope key and, when the scope is one
    column, that column, nearly unique per row for an entity whose rows are
    events or history (one row per message, call leg, state...). An entity
    versioned 'latest' exports an id again with each version (a year of
    tickets: 2.1 M rows, 0.59 M ids), so its dictionary pays: there they
    keep DuckDB's compression (uncompressed: 0.5 s of CPU less per table
    for 52 MB more). -#}
{% macro staging_uncompressed_columns(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- if spec.get('versioning', 'event') == 'latest' -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set scope = spec.get('scope', spec['key']) -%}
    {{- return(['scope_key'] + (scope if scope | length == 1 else [])) -}}
{%- endmacro %}

{#- Layer 1, the body of base_<entity>_parsed. The entity's own row rules
    (raw_contract `row_rules`) follow the generic contract rules. -#}
{% macro staging_parsed_rows(entity_name) -%}
{{- config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          uncompressed_columns=staging_uncompressed_columns(entity_name),
          pre_hook="{{ reset_raw_ledgers('" ~ entity_name ~ "') }}",
          post_hook=["{{ capture_malformed_rows('" ~ entity_name ~ "') }}",
                     "{{ record_loaded_files('" ~ entity_name ~ "') }}"]) -}}
{%- set spec = raw_entity(entity_name) -%}
{%- set row_rules = spec.get('row_rules', []) -%}
{%- set references = staging_references(spec) -%}
{%- set self_reference = spec.get('self_reference') -%}
with

source as (
    select
        {{ contract_column_list(entity_name) }},
        source_file
    from {{ source(spec['system'], spec['entity']) }}
    {%- if is_incremental() %}
    where {{ raw_new_files_filter(entity_name, this) }}
    {%- endif %}
),

recorded as (
    select
        *,
        {{ contract_record_key(entity_name) }} as record_key
    from source
),

typed as (
    -- the raw text travels as its columns (_raw__<column>, short strings)
    -- and becomes JSON text in `final` only for the rows that keep it: a
    -- year of chat events read from CSV, 22 s -> 15.5 s for this query
    -- (the JSON of every row dragged through the joins below)
    select
        source_file,
        {%- for c in contract_column_names(entity_name) %}
        {{ c }} as _raw__{{ c }},
        {%- endfor %}
        {{ staging_record_hash(contract_column_names(entity_name)) }} as raw_record_hash,
        record_key,
        {{ contract_typed_columns(entity_name) }}
    from recorded
),

flagged as (
    select
        *,
        {{ contract_rule_flags(entity_name) }}
    from typed
),

reasoned as (
    select
        *,
        case
            {{ contract_reason_cases() }}
            {%- for condition, reason in row_rules %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as row_reason_code
    from flagged
),
{{- staging_known_values(references, 'reasoned') }}

kept as (
    -- the raw key text and the raw text are kept only for a row that is or
    -- may become rejected (staging_raw_record_kept): the resolved layer
    -- shows them for rejected rows only, every other rule works on the
    -- typed key (scope_key) and the record hash
    select
        reasoned.*,
        {{ staging_raw_record_kept(references, self_reference, 'reasoned') }} as is_raw_text_kept
    from reasoned
    {%- for r in references %}
    left join known_{{ loop.index }}
        on reasoned.{{ r['column'] }} = known_{{ loop.index }}.known_value
    {%- endfor %}
),

final as (
    select
        {{ contract_column_list(entity_name) }},
        source_file,
        case when is_raw_text_kept then record_key end as record_key,
        {{ contract_scope_key(entity_name) }} as scope_key,
        case when is_raw_text_kept then {{ raw_record_json(contract_column_names(entity_name), '_raw__') }} end as raw_record,
        raw_record_hash,
        row_reason_code,
        '{{ invocation_id }}' as loaded_in
    from kept
)

select * from final
{%- endmacro %}

{#- The record hash (`raw_record_hash`), the identity of a distinct raw
    record (dedupe, version ties, a load's earlier outcome): the md5 digest
    of the row's raw values as a JSON array in contract column order
    (`["M1","web",null,...]`: a null and the text "null" differ, and so do
    values moved between columns), read as a little-endian 128-bit number.
    The smallest hash wins a version tie, on every engine.
    DuckDB: md5_number, the digest as a UHUGEINT (little-endian); other
    engines: the hex text of the digest with its 16 bytes in reverse order,
    which sorts as that number does. Not the md5 of `raw_record` (the JSON
    object shown for rejected rows): its key names make the text about twice
    as long to hash, and spelling the digest as hex text to parse it back
    cost more again (a year of chat events, 10.6 M rows: the hash 13.1 s ->
    6.7 s of CPU). -#}
{% macro staging_record_hash(columns) -%}
    {{ return(adapter.dispatch('staging_record_hash', 'contact_center')(columns)) }}
{%- endmacro %}

{% macro duckdb__staging_record_hash(columns) -%}
    md5_number(cast(json_array({{ columns | join(', ') }}) as varchar))
{%- endmacro %}

{% macro default__staging_record_hash(columns) -%}
    concat_ws('', reverse(regexp_extract_all(md5(to_json(array({{ columns | join(', ') }}))), '(..)', 1)))
{%- endmacro %}

{#- When the parsed layer keeps a row's raw JSON text (and raw key text): the row may be
    rejected, now or by a later load. That is a row rejected by a row rule,
    a row whose reference (agent, customer) is not known as this row is read
    (known_<n>: a valid row of the target), or a row holding a self reference
    (decided in the resolved layer with the rows of the same run). References
    only ever gain targets (agents and customers have no reference of their
    own and a valid row stays valid), so a row whose references are known when
    it is read is never rejected: its text would never be shown. Copies of a
    rejected record read on different days all keep the text (its target was
    unknown on each of those days). At a year of a 300-agent centre this keeps
    the text of ~3 % of the rows instead of all of them. -#}
{% macro staging_raw_record_kept(references, self_reference, alias) -%}
    {%- for r in references -%}
        {%- set target = raw_entity(r['model'][5:]) -%}
        {%- if target.get('references') or target.get('self_reference') -%}
            {{ exceptions.raise_compiler_error("raw_contract: " ~ r['model'] ~ " has references of its own, so a row referencing it may turn rejected after it is read; staging_raw_record_kept assumes references only gain targets") }}
        {%- endif -%}
    {%- endfor %}
    {{ alias }}.row_reason_code is not null
    {%- for r in references %}
    or ({{ alias }}.{{ r['column'] }} is not null and known_{{ loop.index }}.known_value is null)
    {%- endfor %}
    {%- if self_reference %}
    or {{ alias }}.{{ self_reference['column'] }} is not null
    {%- endif %}
{%- endmacro %}

{#- `source_file in (...)`: the entity's files (raw_file_format, as
    create_raw_views reads them) that `loaded` (the parsed layer) holds no
    row of; `false` when there is none. -#}
{% macro raw_new_files_filter(entity_name, loaded) -%}
    {{ return(adapter.dispatch('raw_new_files_filter', 'contact_center')(entity_name, loaded)) }}
{%- endmacro %}

{% macro duckdb__raw_new_files_filter(entity_name, loaded) -%}
    {%- if not execute -%}{{ return('false') }}{%- endif -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set folder = raw_dir() ~ '/' ~ spec['system'] ~ '/' ~ spec['entity'] -%}
    {%- set listing = run_query(
        "select file from glob('" ~ sql_quote_text(folder) ~ "/*') "
        ~ "where file not in (select distinct source_file from " ~ loaded ~ ") order by file"
    ) -%}
    {%- set files = [] -%}
    {%- for path in listing.columns[0].values() -%}
        {%- if raw_file_format(path.split('/')[-1]) -%}{%- do files.append(path) -%}{%- endif -%}
    {%- endfor -%}
    {%- if files | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {{ return('source_file in (' ~ sql_path_list(files)[1:-1] ~ ')') }}
{%- endmacro %}

{#- Malformed CSV records (create_raw_views): a full build of an entity's
    parsed layer forgets the entity's earlier ones and its manifest entries
    (pre-hook reset_raw_ledgers); after the
    parsed model has read the new files, the records DuckDB rejected while
    reading them are copied with file and line into raw.malformed_rows
    (post-hook, same connection: the reject tables are temporary). A record
    already there (same file and line) is not copied twice. -#}
{% macro reset_raw_ledgers(entity_name) %}
    {{ return(adapter.dispatch('reset_raw_ledgers', 'contact_center')(entity_name)) }}
{% endmacro %}

{% macro default__reset_raw_ledgers(entity_name) %}
    {% if execute and not is_incremental() %}
        delete from raw.malformed_rows where entity = '{{ entity_name }}';
        delete from raw.file_manifest where entity = '{{ entity_name }}'
    {% else %}
        select 1
    {% endif %}
{% endmacro %}

{% macro capture_malformed_rows(entity_name) %}
    {{ return(adapter.dispatch('capture_malformed_rows', 'contact_center')(entity_name)) }}
{% endmacro %}

{% macro duckdb__capture_malformed_rows(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set rejects, scans = raw_rejects_table(entity_name), raw_reject_scans_table(entity_name) %}
    {% set found = run_query(
        "select count(*) from duckdb_tables() where temporary and table_name in ('" ~ rejects ~ "', '" ~ scans ~ "')"
    ) %}
    {% if found.columns[0].values()[0] < 2 %}{{ return('select 1') }}{% endif %}
    {% set encoding = run_query(
        "select any_value(s.file_path), count(*) from " ~ rejects ~ " as e inner join " ~ scans
        ~ " as s on e.scan_id = s.scan_id and e.file_id = s.file_id where e.error_type = 'INVALID ENCODING'"
    ) %}
    {% if encoding.columns[1].values()[0] > 0 %}
        {{ exceptions.raise_compiler_error(not_utf8_message(encoding.columns[0].values()[0])) }}
    {% endif %}
    insert into raw.malformed_rows
    select
        '{{ entity_name }}' as entity,
        s.file_path as source_file,
        e.line as source_line,
        min(e.error_type) as error_type,
        min(e.csv_line) as csv_line,
        min(e.error_message) as error_message,
        '{{ invocation_id }}' as loaded_in
    from {{ rejects }} as e
    inner join {{ scans }} as s
        on e.scan_id = s.scan_id and e.file_id = s.file_id
    where not exists (
        select 1 from raw.malformed_rows as m
        where m.entity = '{{ entity_name }}' and m.source_file = s.file_path and m.source_line = e.line
    )
    group by s.file_path, e.line
{% endmacro %}

{#- The manifest entries (create_raw_views, check_raw_manifest) of the files
    this invocation's parsed model loaded: rows parsed or records rejected. -#}
{% macro record_loaded_files(entity_name) %}
    {{ return(adapter.dispatch('record_loaded_files', 'contact_center')(entity_name)) }}
{% endmacro %}

{% macro default__record_loaded_files(entity_name) %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set root = raw_dir() %}
    {% set files = raw_files_loaded_now(entity_name) %}
    {% if not files %}{{ return('select 1') }}{% endif %}
    {#- the header line of the CSV files only (create_raw_views reads it
        instead of the file); a Parquet file's content is not decoded. One
        read_blob per format, not a test of each file name against a list:
        an IN list of the loaded files made DuckDB hold every file's content
        in memory at once (a year of CSV chat events: 2.9 GB, the build's
        peak RSS 3.3 -> 5.5 GB) -#}
    {% set csv_files = [] %}
    {% set other_files = [] %}
    {% for path in files %}
        {% do (csv_files if raw_file_format(path.split('/')[-1]) == 'csv' else other_files).append(path) %}
    {% endfor %}
    {% set selects = [] %}
    {% for group, header_line in [(csv_files, raw_csv_header_line('try(decode(content))')), (other_files, 'null')] if group %}
        {% do selects.append(
            "select '" ~ entity_name ~ "', substr(filename, " ~ (root | length + 2) ~ "), filename, size, "
            ~ "cast(last_modified as varchar), md5(content), '" ~ invocation_id ~ "', " ~ header_line
            ~ " from read_blob(" ~ sql_path_list(group) ~ ")") %}
    {% endfor %}
    {{ return(
        "delete from raw.file_manifest where source_file in (" ~ sql_path_list(files)[1:-1] ~ "); "
        ~ "insert into raw.file_manifest (entity, relative_path, source_file, size, last_modified, content_md5, "
        ~ "loaded_in, header_line) " ~ selects | join(' union all ')
    ) }}
{% endmacro %}

{#- The files this invocation's parsed model (`this`) loaded: rows parsed or
    records rejected as malformed. -#}
{% macro raw_files_loaded_now(entity_name) %}
    {% set loaded = run_query(
        "select distinct source_file from " ~ this ~ " where loaded_in = '" ~ invocation_id ~ "' "
        ~ "union select distinct source_file from raw.malformed_rows where entity = '" ~ entity_name ~ "' "
        ~ "and loaded_in = '" ~ invocation_id ~ "'"
    ) %}
    {{ return(loaded.columns[0].values() | list) }}
{% endmacro %}

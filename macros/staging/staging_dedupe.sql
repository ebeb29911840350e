{#- Staging rule 1, deduplicate: rows with identical raw text in every
    contract column (same record hash, raw_record_hash) are one row; extra copies are
    counted, the first file (smallest path) is kept. Part of
    staging_resolved_rows; defines the CTE `deduplicated` over the rows of
    `parsed` in scope, with the columns the rules of steps 2 and 3 read
    (staging_rule_columns). staging_outcome_rows adds the other columns to
    the decided rows.

    Copies share every contract column, so every typed column, the keys and
    the row reason are the same for all of them, and every copy of a
    rejected record keeps the raw text (staging_raw_record_kept): which
    copy's values are kept does not matter, only the file does.

    `is_scope_shared`: the row's scope key (the entity's natural id) has
    more than one physical row in scope. Copies share the scope key, and so
    do rival versions (the versioning key holds the scope's columns), so a
    key with one row has neither: staging_version contests only shared
    keys. A scope-key text shared by two different ids (a '|' inside an id)
    only marks more rows shared, never fewer. -#}
{% macro staging_dedupe(entity_name, parsed) -%}
    {{ return(adapter.dispatch('staging_dedupe', 'contact_center')(entity_name, parsed)) }}
{%- endmacro %}

{#- The columns the validate and version rules read: the record key, the
    references, links and self reference (with its target), the row reason,
    and for 'latest' versioning updated_at and the scope key it partitions
    by. -#}
{% macro staging_rule_columns(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set latest = spec.get('versioning', 'event') == 'latest' -%}
    {%- set columns = [] -%}
    {%- set wanted = spec['key']
        + spec.get('references', []) | map(attribute='column') | list
        + spec.get('links', []) | map(attribute='column') | list
        + ([spec['self_reference']['column'], spec['self_reference']['target']] if spec.get('self_reference') else [])
        + (['updated_at', 'scope_key'] if latest else [])
        + ['row_reason_code'] -%}
    {%- for c in wanted -%}
        {%- if c not in columns -%}{%- do columns.append(c) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- DuckDB: a narrow aggregate (record hash -> copies, and one physical row of the
    smallest file by rowid), joined back to the parsed table by rowid for the
    rule columns only; staging_outcome_rows joins the kept row again for the
    rest, its file included. The rules' joins and window then carry a few
    narrow columns instead of every column and the file path: a year of chat
    events, base_messaging__messages standalone 30.6 s -> 22.6 s, and within
    3 GB without spilling (1.9 GB spilled before). Aggregating the wide rows
    themselves (any_value of every column) costs ~5x as much at year scale
    and spills.

    The kept row is the minimum of one integer, the file's place in path
    order times 2^40 plus the rowid (a rowid stays below 2^40, a trillion
    rows; past 2^23 files, 8 million, the product overflows a bigint and
    DuckDB stops with an overflow error, never a wrong row), not
    arg_min(rowid, source_file): that aggregate keeps a copy of
    a path string per record, in memory DuckDB cannot spill (duckdb#14132),
    and compares strings. A year of chat events: 60.2 -> 50.3 s of CPU for
    the query, the same rows; one build of eight stopped out of memory at
    the 3 GB limit in this model with the string form.

    'event' and 'history' versioning: one aggregate of the scope keys first
    (count, first row); a key with one row keeps it (nearly every chat
    event, call, state), and only the rows of shared keys are grouped by
    record hash. One 10 M-row aggregate fewer for the year's chat events,
    whose contest (staging_version) then groups only the shared keys' rows:
    base_messaging__messages standalone, 2 runs each, alternately: CPU
    27.0 / 26.3 -> 24.5 / 25.4 s, calls 4.3 / 3.7 -> 3.6 / 3.6 s, the same
    rows for every entity. 'latest' versioning (most ids have several
    versions) groups every row by record hash. -#}
{% macro duckdb__staging_dedupe(entity_name, parsed) -%}
file_ranks as (
    -- each file's place in path order (a few thousand files)
    select
        source_file,
        dense_rank() over (order by source_file) as file_rank
    from (
        select distinct source_file from {{ parsed }}
        {{- staging_in_scope() }}
    ) as files
),

{%- set keyed_first = raw_entity(entity_name).get('versioning', 'event') != 'latest' %}
{%- set first_row = 'min(file_ranks.file_rank * 1099511627776 + parsed.rowid) % 1099511627776' %}
{%- if keyed_first %}

scope_rows as (
    -- a scope key with one physical row (nearly every key of an event
    -- entity) has no copy and no rival: that row is kept as it is, and only
    -- the rows of shared keys are grouped by record hash below
    select
        parsed.scope_key,
        count(*) as scope_rows,
        {{ first_row }} as first_row
    from {{ parsed }} as parsed
    inner join file_ranks
        on parsed.source_file = file_ranks.source_file
    {{- staging_in_scope() }}
    group by
        parsed.scope_key
),
{%- endif %}

copies as (
    {%- if keyed_first %}
    select
        first_row as kept_row,
        0 as duplicate_copies,
        false as is_scope_shared
    from scope_rows
    where scope_rows = 1
    union all
    {%- endif %}
    -- rule 1: one physical row per distinct raw record, the first of the
    -- smallest file (copies share every column: which one does not matter);
    -- 'latest' versioning, where most ids come with several versions: every
    -- row in scope
    select
        {{ first_row }} as kept_row,
        count(*) - 1 as duplicate_copies,
        true as is_scope_shared
    from {{ parsed }} as parsed
    inner join file_ranks
        on parsed.source_file = file_ranks.source_file
    {%- if keyed_first %}
    where parsed.scope_key in (
        select shared.scope_key from scope_rows as shared
        where shared.scope_rows > 1
    )
    {%- else %}
    {{- staging_in_scope() }}
    {%- endif %}
    group by
        parsed.raw_record_hash
),

deduplicated as (
    select
        parsed.raw_record_hash,
        copies.kept_row,
        copies.is_scope_shared,
        {%- for c in staging_rule_columns(entity_name) %}
        parsed.{{ c }},
        {%- endfor %}
        copies.duplicate_copies
    from {{ parsed }} as parsed
    inner join copies
        on parsed.rowid = copies.kept_row
),
{%- endmacro %}

{#- Any engine: one aggregate over the rows (every column: the outcome rows
    need them all, and there is no physical row id to join back by). -#}
{% macro default__staging_dedupe(entity_name, parsed) -%}
{%- set columns = contract_column_names(entity_name) %}
deduplicated as (
    -- rule 1: one row per distinct raw record
    select
        raw_record_hash,
        {%- for c in columns %}
        any_value({{ c }}) as {{ c }},
        {%- endfor %}
        any_value(record_key) as record_key,
        any_value(scope_key) as scope_key,
        any_value(row_reason_code) as row_reason_code,
        max(raw_record) as raw_record,
        min(source_file) as source_file,
        count(*) - 1 as duplicate_copies,
        -- every record may share its key (DuckDB marks the ones that do
        -- not, duckdb__staging_dedupe)
        true as is_scope_shared
    from {{ parsed }}
    {{- staging_in_scope() }}
    group by
        raw_record_hash
),
{%- endmacro %}

{#- The versioned rows with every column the resolved row shows (CTE
    `outcome_rows`): the contract columns, the keys and the kept copy's raw
    text. DuckDB joins the kept physical row back by rowid; elsewhere the
    aggregate of staging_dedupe already carries them. -#}
{% macro staging_outcome_rows(entity_name, parsed) -%}
    {{ return(adapter.dispatch('staging_outcome_rows', 'contact_center')(entity_name, parsed)) }}
{%- endmacro %}

{% macro duckdb__staging_outcome_rows(entity_name, parsed) -%}
{%- set carried = staging_versioned_columns(entity_name) %}
outcome_rows as (
    select
        versioned.*,
        {%- for c in contract_column_names(entity_name) + ['record_key', 'scope_key'] if c not in carried %}
        kept.{{ c }},
        {%- endfor %}
        kept.source_file,
        kept.raw_record
    from versioned
    inner join {{ parsed }} as kept
        on versioned.kept_row = kept.rowid
),
{%- endmacro %}

{% macro default__staging_outcome_rows(entity_name, parsed) -%}
outcome_rows as (
    select * from versioned
),
{%- endmacro %}

{#- The columns the versioning step carries (staging_version), besides
    the is_superseded it adds: on DuckDB the row's identity (record hash, kept row,
    copies), its outcome (reason code, resolved links) and the key columns
    the winner is chosen by; staging_outcome_rows joins the rest back from
    the kept row. Measured when every entity's step was a window, which
    sorts every column it carries ('latest' versioning still is one): with
    the references' and row rules' columns (ids, mostly distinct strings)
    left behind, a year of chat events, the query of base_messaging__messages
    run alone in a fresh process, three times each, alternately: user CPU
    27.6 / 27.1 / 26.1 s -> 25.4 / 24.9 / 24.8 s; wall 19.9 / 16.3 / 14.9 s ->
    15.4 / 15.1 / 15.3 s. The same rows. Elsewhere every column (`*`): the
    dedupe aggregate carries them all and there is no row to join back. -#}
{% macro staging_versioned_columns(entity_name) -%}
    {{ return(adapter.dispatch('staging_versioned_columns', 'contact_center')(entity_name)) }}
{%- endmacro %}

{% macro duckdb__staging_versioned_columns(entity_name) -%}
    {%- set spec = raw_entity(entity_name) -%}
    {%- set columns = ['raw_record_hash', 'kept_row', 'duplicate_copies', 'reason_code'] -%}
    {%- for l in spec.get('links', []) -%}
        {%- do columns.append('_link_' ~ loop.index) -%}
    {%- endfor -%}
    {%- set ordered_by = ['scope_key', 'updated_at'] if spec.get('versioning', 'event') == 'latest' else spec['key'] -%}
    {%- for c in ordered_by if c not in columns -%}
        {%- do columns.append(c) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro default__staging_versioned_columns(entity_name) -%}
    {{ return(['*']) }}
{%- endmacro %}

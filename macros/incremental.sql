{#- Windowed incremental models (docs/design.md, "Incremental loads").

    A load changes staging rows whose `impact_date` is known
    (macros/staging/); int_load_window turns the earliest of
    them into the first reporting date that can change downstream:
    `window_start_date = earliest changed impact_date - load_lookback_days()`.
    A windowed model recomputes every row on or after that date from its
    full inputs and replaces those rows (strategy `replace_window`); rows
    before it are kept as they are.

    A windowed model sets, besides materialized='incremental' and
    incremental_strategy='replace_window':
      window_column:  the column that places a row in time
      window_kind:    'date' (a reporting date) or 'timestamp' (naive UTC,
                      compared with the reporting midnight of the start date)
      window_keeps_final: true for a model with `is_final`: rows not yet
                      final are recomputed too, whatever their date
      partition_column: the model's reporting-date column that places a row
                      in the window exactly as window_column does (by
                      default window_column when window_kind is 'date';
                      a timestamp-kind model names its activity_date, which
                      must equal reporting_date(window_column)); on Spark
                      the table is partitioned by it and a load replaces
                      whole partitions (window_partition_by)
      window_entities: the raw entities (raw_contract) its rows depend on,
                      when that is fewer than all: its window starts from
                      their changes only (int_load_window's
                      <entity>_window_start_date), later than the load's
                      window when another entity reaches further back (the
                      chat models: a year's day load changed tickets created
                      13 days earlier, its chat events 3 days earlier). A
                      model downstream reads such a model's unchanged rows
                      between the two starts as they are.
    through load_window_config(column, kind, keeps_final, partition_column, entities),
    and ends its final select with load_window_filter().
-#}

{#- The config of a windowed model: call it first in the model, and end the
    model with load_window_filter(). -#}
{% macro load_window_config(column, kind='date', keeps_final=false, partition_column=none, entities=none) -%}
    {%- set partition_column = partition_column or (column if kind == 'date' else none) -%}
    {%- set contract = raw_contract() -%}
    {%- for entity in entities or [] -%}
        {%- if entity not in contract -%}
            {{ exceptions.raise_compiler_error("load_window_config: entity " ~ entity ~ " is not in raw_contract()") }}
        {%- endif -%}
    {%- endfor -%}
    {{- config(
        materialized='incremental',
        incremental_strategy='replace_window',
        window_column=column,
        window_kind=kind,
        window_keeps_final=keeps_final,
        window_entities=entities,
        partition_by=window_partition_by(partition_column),
        on_schema_change='fail',
    ) -}}
{%- endmacro %}

{#- How a windowed table is partitioned: by its reporting-date column where
    the engine's tables are laid out in partitions (Spark: one folder per
    day, a load replaces the days of its window), not at all on DuckDB (one
    file; partition_by applies to DuckLake only there). -#}
{% macro window_partition_by(partition_column) -%}
    {{ return(adapter.dispatch('window_partition_by')(partition_column)) }}
{%- endmacro %}

{% macro default__window_partition_by(partition_column) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__window_partition_by(partition_column) -%}
    {{ return(partition_column) }}
{%- endmacro %}

{#- Appended to a windowed model's final select: on an incremental build,
    only the rows of the load window. Declares the dependency on
    int_load_window (read at execution time). -#}
{% macro load_window_filter() -%}
    {%- set window = ref('int_load_window') -%}
    {%- if is_incremental() %}
-- incremental: only the rows of the load window (macros/incremental.sql)
where {{ load_window_predicate() }}
    {%- endif %}
{%- endmacro %}

{#- Days between the earliest changed row and the first reporting date it can
    change: the FCR window (a contact counts later contacts of the customer),
    the conversion window (an order credits an earlier contact), the survey
    match window, each rounded up to whole days, plus one day because a
    reporting day and a UTC day overlap. -#}
{% macro load_lookback_days() -%}
    {%- set fcr_days = ((var('fcr_window_hours') | int) + 23) // 24 -%}
    {%- set survey_days = ((var('survey_match_hours') | int) + 23) // 24 -%}
    {%- set conversion_days = var('conversion_window_days') | int -%}
    {{ return([fcr_days, survey_days, conversion_days] | max + 1) }}
{%- endmacro %}

{#- The first reporting date the current windowed model recomputes, as
    'YYYY-MM-DD' ('9999-12-31' when the load changed nothing, or nothing of
    the model's window_entities). Runs a query: call it at execution time
    only. Read once per node context (node_cache): a model narrows each
    input with it, and fct_agent_daily read int_load_window 9 times a load,
    2 now. -#}
{% macro load_window_start_date() -%}
    {%- if not execute -%}{{ return('9999-12-31') }}{%- endif -%}
    {%- set cache = node_cache() -%}
    {%- if 'load_window_start' in cache -%}{{ return(cache['load_window_start']) }}{%- endif -%}
    {%- set keeps_final = config.get('window_keeps_final') -%}
    {%- set sql -%}
        select
            cast({{ load_window_start_column(config.get('window_entities')) }} as string)
            {%- if keeps_final %},
            (select cast(min({{ config.get('window_column') }}) as string) from {{ this }} where not is_final)
            {%- endif %}
        from {{ ref('int_load_window') }}
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {%- set start = row[0] or '9999-12-31' -%}
    {%- if keeps_final and row[1] and row[1] < start -%}
        {%- set start = row[1] -%}
    {%- endif -%}
    {%- do cache.update({'load_window_start': start}) -%}
    {{ return(start) }}
{%- endmacro %}

{#- A dict kept for the current node's context, for values a node's macros
    read from the database more than once (load_window_start_date,
    fixed_utc_offset_s): it lives in the node's own `model` dict, the copy
    dbt makes of the node for one context (a model's compile, then its
    strategy's replace), so it never outlives the node or reaches another.
    Each query costs dbt a few milliseconds of its own besides the SQL (on
    Spark far more): a year's day load ran 1,228 queries, 1,158 with these
    two kept. Outside a node (a hook, an operation): a new empty dict. -#}
{% macro node_cache() -%}
    {%- if model is not mapping -%}{{ return({}) }}{%- endif -%}
    {%- if '_ccw_node_cache' not in model -%}{%- do model.update({'_ccw_node_cache': {}}) -%}{%- endif -%}
    {{ return(model['_ccw_node_cache']) }}
{%- endmacro %}

{#- The int_load_window column (an expression) holding the first reporting
    date of a windowed model with window `entities` (load_window_config):
    window_start_date without, that entity's start with one, the earliest
    of theirs with several. Read by load_window_start_date and by the
    narrowed tests of such a model (get_where_subquery). -#}
{% macro load_window_start_column(entities) -%}
    {%- set columns = [] -%}
    {%- for entity in entities or [] -%}{%- do columns.append(entity ~ '_window_start_date') -%}{%- endfor -%}
    {%- if not columns -%}{{ return('window_start_date') }}{%- endif -%}
    {{ return(columns[0] if columns | length == 1 else 'least(' ~ columns | join(', ') ~ ')') }}
{%- endmacro %}

{#- `<window_column> >= <start>` for the current model; `column` (and
    `kind`) name an input's column placed in time the same way, to narrow an
    input to the window. -#}
{% macro load_window_predicate(relation_alias=none, column=none, kind=none) -%}
    {%- set column = column or config.get('window_column') -%}
    {%- if not column -%}
        {{ exceptions.raise_compiler_error("load_window_predicate: set config window_column on " ~ this) }}
    {%- endif -%}
    {%- set qualified = (relation_alias ~ '.' ~ column) if relation_alias else column -%}
    {%- set start = load_window_start_date() -%}
    {%- if (kind or config.get('window_kind', 'date')) == 'timestamp' -%}
        {{ qualified }} >= {{ reporting_midnight_utc("date '" ~ start ~ "'") }}
    {%- else -%}
        {{ qualified }} >= date '{{ start }}'
    {%- endif -%}
{%- endmacro %}

{#- `where <predicate>` on an input of a windowed model, on incremental
    builds only: for inputs whose rows of one output row all carry the same
    (or a later) time as that row, so the window loses none of them. -#}
{% macro load_window_input_filter(column, kind='date') -%}
    {%- if is_incremental() %}
    -- incremental: the rows of the load window only (macros/incremental.sql)
    where {{ load_window_predicate(column=column, kind=kind) }}
    {%- endif %}
{%- endmacro %}

{#- Strategy replace_window: delete the rows the window recomputes, insert
    the recomputed ones (the model's query already holds exactly those). -#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {{ replace_rows_sql(arg_dict, load_window_predicate()) }}
{%- endmacro %}

{#- The two replace strategies' statements: delete the target's rows that
    `replaced` (a predicate on its columns) selects, insert the load's. -#}
{% macro replace_rows_sql(arg_dict, replaced) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ replaced }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- Keyed incremental tables (strategy replace_changed_keys): a table whose
    rows of one key depend only on that key's rows of one resolved base_
    model (stg_crm__customers: a customer's versions and is_current). A
    load recomputes the keys with a
    row of that base_ model changed_in this invocation, from all of their
    rows, and replaces them; every other key keeps its rows. The base_
    model's changed_in marks every row whose outcome a load changed, so a
    key that loses its last clean row is among them too (its rows are
    deleted, none inserted). The model sets
      materialized='incremental', incremental_strategy='replace_changed_keys',
      changed_keys=[<key column>, ...], on_schema_change='fail'
    reads its base_ model with ref() (that is the base_ model the keys come
    from), or a keyed model that does (dim_customers reads
    stg_crm__customers: the keys still come from base_crm__customers, which
    that model's run has already brought up to date), and narrows that
    input with changed_keys_filter().
    Its row-level tests on a load read the same keys (get_where_subquery).
    A table model rebuilt in full, by contrast, costs its whole input on
    every load (stg_crm__customers: 2.0 s of a year-scale daily load). -#}

{#- The resolved base_ model a changed_keys model (`node`, by default the
    current one) reads (depends_on), directly or through keyed models of
    its own (dim_customers reads the keyed stg_crm__customers, which reads
    base_crm__customers): also where get_where_subquery narrows the tests
    of such a model. -#}
{% macro changed_keys_base(node=none) -%}
    {%- set node = node or model -%}
    {%- set found = [] -%}
    {%- set keyed = [node] -%}
    {#- breadth-first through keyed inputs (a chain of a few models; the
        loop bound only guards against a cycle dbt would reject anyway) -#}
    {%- for _ in range(10) if found | length == 0 and keyed | length > 0 -%}
        {%- set inputs = [] -%}
        {%- for k in keyed -%}
            {%- for n in k.depends_on.nodes -%}
                {%- set input = graph.nodes.get(n) -%}
                {%- if input and input.name.startswith('base_') and not input.name.endswith('_parsed') -%}
                    {%- if input not in found -%}{%- do found.append(input) -%}{%- endif -%}
                {%- elif input and input.resource_type == 'model' and input.config.get('changed_keys') -%}
                    {%- do inputs.append(input) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do keyed.clear() -%}
        {%- do keyed.extend(inputs) -%}
    {%- endfor -%}
    {%- if found | length != 1 -%}
        {{ exceptions.raise_compiler_error("changed_keys on " ~ node.name ~ ": it must ref() exactly one resolved base_ model (or keyed models reading one), whose changed_in says which keys a load changed (found " ~ found | map(attribute='name') | join(', ') ~ ")") }}
    {%- endif -%}
    {{ return(api.Relation.create(database=found[0].database, schema=found[0].schema, identifier=found[0].alias)) }}
{%- endmacro %}

{#- `<key> in (keys of the base_ rows changed_in this invocation)`, one per
    key column (a compound key is over-covered, never under-covered: the
    model recomputes and replaces the same keys). -#}
{% macro changed_keys_predicate() -%}
    {%- set keys = config.get('changed_keys') or [] -%}
    {%- if not keys -%}
        {{ exceptions.raise_compiler_error("changed_keys_predicate: set config changed_keys on " ~ model.name) }}
    {%- endif -%}
    {%- set base = changed_keys_base() -%}
    {%- set parts = [] -%}
    {%- for k in keys -%}
        {%- do parts.append(k ~ " in (select " ~ k ~ " from " ~ base ~ " where changed_in = '" ~ invocation_id ~ "')"
            ~ changed_key_bounds(base, k, k)) -%}
    {%- endfor -%}
    {{ parts | join(' and ') }}
{%- endmacro %}

{#- ` and <column> between <lo> and <hi>`: the smallest and largest `key` of
    the rows of the base_ model `relation` changed_in this invocation, read
    now (that model ran earlier in the invocation) and written as literals.
    They change no result where they are added to a test or to
    changed_keys_predicate (every key of the rows changed lies between
    them); they let the engine skip the stored row groups whose keys all
    lie outside, which its semi-join on the keys does not (DuckDB probes
    every row of the table with them). Ids that grow with time (a
    message's, a ticket's) put a day's keys in the newest row groups: the
    primary key test of a year's stg_messaging__messages on a day's load
    reads 1 of 85 row groups, 0.43 -> 0.02 s. Literals, not subqueries:
    DuckDB joins a subquery's bound to every row instead (a year's
    customers, whose ids do not grow with time: 0.02 -> 0.06 s). A null
    bound (no row changed) keeps no row, as the semi-join it is added to.
    Empty before execution (parsing) and when a bound holds a quote or a
    backslash (no literal written the same way on every engine). -#}
{% macro changed_key_bounds(relation, key, column) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {#- the values behind a marker: dbt's result table would read an id
        such as '007' as the number 7 -#}
    {%- set found = run_query("select concat('#', cast(min(" ~ key ~ ") as string)), concat('#', cast(max(" ~ key
        ~ ") as string)), lower(typeof(min(" ~ key ~ "))) from " ~ relation ~ " where changed_in = '" ~ invocation_id ~ "'") -%}
    {%- set row = found.rows[0] -%}
    {%- set bounds = [] -%}
    {%- for value in [row[0], row[1]] -%}
        {%- if value is none -%}
            {%- do bounds.append('cast(null as ' ~ row[2] ~ ')') -%}
        {%- elif "'" in value or "\\" in value -%}
            {{ return('') }}
        {%- else -%}
            {%- do bounds.append("cast('" ~ value[1:] ~ "' as " ~ row[2] ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(' and ' ~ column ~ ' between ' ~ bounds | join(' and ')) }}
{%- endmacro %}

{#- `where <changed_keys_predicate>` on a changed_keys model's input, on
    incremental builds only (as load_window_input_filter for windows). -#}
{% macro changed_keys_filter() -%}
    {%- if is_incremental() %}
    -- incremental: the keys this load changed (macros/incremental.sql)
    where {{ changed_keys_predicate() }}
    {%- endif %}
{%- endmacro %}

{#- Strategy replace_changed_keys: delete the changed keys' rows, insert
    the recomputed ones (the model's query holds exactly those keys). -#}
{% macro get_incremental_replace_changed_keys_sql(arg_dict) -%}
    {{ replace_rows_sql(arg_dict, changed_keys_predicate()) }}
{%- endmacro %}

{#- Strategy replace_recomputed_keys: a keyed table whose query recomputes
    more keys than its base_ model changed (int_surveys_attributed: a
    response's contact also depends on the contacts and call legs of the
    load window). It deletes the keys the query returned and the keys of
    the base_ rows changed_in this invocation (changed_keys_predicate: a key
    whose row is gone, e.g. a response rejected by a later version, returns
    nothing), and inserts the query's rows. The model sets
    materialized='incremental', incremental_strategy='replace_recomputed_keys',
    changed_keys=[<key column>], on_schema_change='fail'. Its tests read the
    whole table (get_where_subquery narrows replace_changed_keys only). -#}
{% macro get_incremental_replace_recomputed_keys_sql(arg_dict) -%}
    {{ replace_rows_sql(arg_dict, recomputed_keys_replaced(arg_dict['temp_relation'])) }}
{%- endmacro %}

{#- The rows replace_recomputed_keys replaces: keys in `recomputed` (the
    load's rows), or changed in the base_ model. -#}
{% macro recomputed_keys_replaced(recomputed) -%}
    {%- set key = (config.get('changed_keys') or [none])[0] -%}
    {%- if not key or config.get('changed_keys') | length != 1 -%}
        {{ exceptions.raise_compiler_error("replace_recomputed_keys on " ~ model.name ~ ": set config changed_keys to one key column") }}
    {%- endif -%}
    ({{ key }} in (select {{ key }} from {{ recomputed }}) or {{ changed_keys_predicate() }})
{%- endmacro %}

{#- Strategy replace_rejected_rows (stg_rejected_rows, one model over every
    entity's base_ model): delete the rows of the base rows changed_in this
    invocation (rejected_rows_replaced), insert the model's rows, which are
    those base rows still rejected and the malformed records this load found. -#}
{% macro get_incremental_replace_rejected_rows_sql(arg_dict) -%}
    {{ replace_rows_sql(arg_dict, rejected_rows_replaced()) }}
{%- endmacro %}

{#- The stg_rejected_rows rows a load replaces: per entity, those whose
    raw_record_hash is a base_ row changed_in this invocation. changed_in
    marks every change of what that model shows (outcome, reason, the file
    a rejected row is shown from; macros/staging/staging_version.sql), and
    a base_ row is never deleted (a key's rows are re-inserted with it), so
    a row turned clean is deleted here and not inserted again. Malformed
    records are only ever added (the ledger's rows loaded_in this load). -#}
{% macro rejected_rows_replaced() -%}
    {%- set parts = [] -%}
    {%- for entity in raw_contract().keys() -%}
        {%- do parts.append("(entity = '" ~ entity ~ "' and raw_record_hash in (select raw_record_hash from "
            ~ ref('base_' ~ entity) ~ " where changed_in = '" ~ invocation_id ~ "'))") -%}
    {%- endfor -%}
    {{ return('(' ~ parts | join('\n    or ') ~ ')') }}
{%- endmacro %}

{#- Tests on an incremental load look at the rows the load wrote, not at
    whole tables (dbt's `get_where_subquery`, which every generic test uses
    to read its model, overridden here for all engines). A row-level test
    (row_level_tests below: it judges each row on its own, or a key's rows, which
    a load always writes together) of an incremental model is narrowed, on
    a build without --full-refresh, to:
      - parsed layer (append):        rows loaded_in this invocation
      - resolved layer (delete+insert): rows changed_in this invocation
      - windowed models (replace_window): rows on or after the load
        window's start (int_load_window; for a model with window
        entities, their start), and rows not yet final
      - views configured with a window_column (the int_agent_daily_<family>
        views, read by the windowed fct_agent_daily): rows on or after the
        load window's start, the days the load recomputes (fct_agent_daily
        also recomputes its few rows not yet final, which its own tests
        check); a test of a view recomputes the view, about 2 s a test at
        year scale
      - stg views configured with changed_keys (the clean rows of a large
        resolved model, e.g. stg_messaging__messages), and keyed tables
        (replace_changed_keys, e.g. stg_crm__customers): rows whose keys
        match a row of that base_ model changed_in this invocation. A key's
        rows are re-decided together and a row whose outcome did not
        change keeps its earlier changed_in, so a row that can newly fail
        (a duplicate key included) is among them; the rest passed the
        tests of the load that wrote them
    On a first or --full-refresh build every row qualifies (all were
    written by this invocation, the window starts at the first day), so a
    full build still tests every row; `dbt test` run on its own (not
    `dbt build`) is never narrowed: it re-checks the whole warehouse,
    whatever the last load wrote (with a narrowed scope it would check
    nothing of the resolved and keyed layers, whose scope is the rows
    changed in the invocation itself). Tests that compare tables, singular
    tests and tests of tables and other views are never narrowed. A test's
    own `where` config still applies. -#}
{% macro default__get_where_subquery(relation) -%}
    {#- one macro on purpose: dbt's partial parsing renders this override
        before it knows macros added in the same change, so it calls only
        project macros an earlier change added (reporting_midnight_utc,
        changed_keys_base), or asks first (changed_key_bounds,
        load_window_start_column: is defined) -#}
    {%- set predicates = [] -%}
    {%- if config.get('where') -%}{%- do predicates.append('(' ~ config.get('where') ~ ')') -%}{%- endif -%}
    {%- set scope = '' -%}
    {%- set row_level_tests = ['not_null', 'unique', 'accepted_values', 'relationships', 'primary_key',
                               'valid_reason_code', 'expression_is_true', 'column_rules'] -%}
    {#- a `dbt test` of its own (not a load's build) judges whole tables:
        it is how one re-checks a warehouse, whatever the last load wrote -#}
    {%- if execute and not flags.FULL_REFRESH and flags.WHICH != 'test' -%}
        {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
        {%- set tested = graph.nodes.get(model.get('attached_node') or '') -%}
        {%- set windowed_view = tested and tested.config.materialized == 'view' and tested.config.get('window_column') -%}
        {%- set changed_view = tested and tested.config.get('changed_keys') and (tested.config.materialized == 'view'
                or tested.config.get('incremental_strategy') == 'replace_changed_keys') -%}
        {%- if test_name in row_level_tests and tested and (tested.config.materialized == 'incremental' or windowed_view or changed_view) -%}
            {%- if tested.config.incremental_strategy == 'replace_window' or windowed_view -%}
                {#- the window's relation from the graph: a ref() here, at
                    execution time only, is a dependency dbt did not see -#}
                {%- set window = graph.nodes.values() | selectattr('name', 'equalto', 'int_load_window') | first -%}
                {%- set window_relation = api.Relation.create(
                    database=window.database, schema=window.schema, identifier=window.alias) -%}
                {#- the start as a date literal, read now (the window was
                    built earlier in this invocation): a literal lets the
                    engine skip row groups and push the filter into a view
                    (a view's test at year scale: 1.0 s with a subquery,
                    0.25 s with the literal) -#}
                {#- int_load_window is one row (an aggregate without group
                    by); a null start is a load that changed nothing: no row
                    is in the window, '9999-12-31' as in
                    load_window_start_date() (1.5 s of a year's empty load
                    when it was read as a subquery: the whole view was
                    recomputed to find none) -#}
                {#- a model with window entities (load_window_config) wrote
                    the rows from their start (load_window_start_column;
                    `is defined` as for changed_key_bounds below) -#}
                {%- set start_column = load_window_start_column(tested.config.get('window_entities'))
                    if load_window_start_column is defined else 'window_start_date' -%}
                {%- set found = run_query('select cast(' ~ start_column ~ ' as string) from ' ~ window_relation) -%}
                {%- set start = "date '" ~ (found.columns[0].values()[0] or '9999-12-31') ~ "'" -%}
                {%- if tested.config.get('window_kind', 'date') == 'timestamp' -%}
                    {%- set scope = tested.config.window_column ~ ' >= ' ~ reporting_midnight_utc(start) -%}
                {%- else -%}
                    {%- set scope = tested.config.window_column ~ ' >= ' ~ start -%}
                {%- endif -%}
                {%- if tested.config.get('window_keeps_final') -%}
                    {%- set scope = scope ~ ' or not is_final' -%}
                {%- endif -%}
            {%- elif changed_view -%}
                {%- set base = changed_keys_base(tested) -%}
                {%- set conditions = ["changed.changed_in = '" ~ invocation_id ~ "'"] -%}
                {%- set bounds = [] -%}
                {%- for k in tested.config.changed_keys -%}
                    {%- do conditions.append('changed.' ~ k ~ ' = scoped.' ~ k) -%}
                    {#- `is defined`: a parse by dbt's partial parsing from
                        a target folder older than changed_key_bounds does
                        not know it (bounds only matter when executing) -#}
                    {%- if changed_key_bounds is defined -%}
                        {%- do bounds.append(changed_key_bounds(base, k, 'scoped.' ~ k)) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set scope = 'exists (select 1 from ' ~ base
                    ~ ' as changed where ' ~ conditions | join(' and ') ~ ')' ~ bounds | join('') -%}
            {%- elif tested.name.startswith('base_') and tested.name.endswith('_parsed') -%}
                {%- set scope = "loaded_in = '" ~ invocation_id ~ "'" -%}
            {%- elif tested.name.startswith('base_') -%}
                {%- set scope = "changed_in = '" ~ invocation_id ~ "'" -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- if scope -%}{%- do predicates.append('(' ~ scope ~ ')') -%}{%- endif -%}
    {%- if predicates -%}
        {%- do return('(select * from ' ~ relation ~ ' as scoped where ' ~ predicates | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

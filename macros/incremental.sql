{#- Windowed incremental models (docs/design.md, "Incremental loads").

    A load changes staging rows whose `impact_date` is known
    (macros/raw/staging_layers.sql); int_load_window turns the earliest of
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
    and filters its own rows with `where {{ load_window_predicate() }}` when
    is_incremental(), and declares `-- depends_on: {{ ref('int_load_window') }}`.
-#}

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
    'YYYY-MM-DD' ('9999-12-31' when the load changed nothing). Runs a query:
    call it at execution time only. -#}
{% macro load_window_start_date() -%}
    {%- if not execute -%}{{ return('9999-12-31') }}{%- endif -%}
    {%- set sql -%}
        select cast(window_start_date as varchar) from {{ ref('int_load_window') }}
    {%- endset -%}
    {%- set start = run_query(sql).columns[0].values()[0] or '9999-12-31' -%}
    {%- if config.get('window_keeps_final') -%}
        {%- set sql -%}
            select cast(min({{ config.get('window_column') }}) as varchar) from {{ this }} where not is_final
        {%- endset -%}
        {%- set open_from = run_query(sql).columns[0].values()[0] -%}
        {%- if open_from and open_from < start -%}
            {%- set start = open_from -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(start) }}
{%- endmacro %}

{#- `<window_column> >= <start>` for the current model. -#}
{% macro load_window_predicate(relation_alias=none) -%}
    {%- set column = config.get('window_column') -%}
    {%- if not column -%}
        {{ exceptions.raise_compiler_error("load_window_predicate: set config window_column on " ~ this) }}
    {%- endif -%}
    {%- set qualified = (relation_alias ~ '.' ~ column) if relation_alias else column -%}
    {%- set start = load_window_start_date() -%}
    {%- if config.get('window_kind', 'date') == 'timestamp' -%}
        {{ qualified }} >= {{ reporting_midnight_utc("date '" ~ start ~ "'") }}
    {%- else -%}
        {{ qualified }} >= date '{{ start }}'
    {%- endif -%}
{%- endmacro %}

{#- Strategy replace_window: delete the rows the window recomputes, insert
    the recomputed ones (the model's query already holds exactly those). -#}
{% macro get_incremental_replace_window_sql(arg_dict) -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ load_window_predicate() }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

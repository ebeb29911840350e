{#- The settings a warehouse was built with, and the guard that keeps a load
    from mixing two sets of them.

    A load decides only the rows it reads (and the window it recomputes);
    every row an earlier load decided keeps its outcome. A load under other
    settings (another reporting zone, FCR window, plausibility bound, SLA
    policy, ...) would publish marts whose old days follow the old settings
    and whose new days follow the new ones, and nothing would say so. So
    raw.build_settings records the settings of the build that made the
    warehouse, and an invocation under other ones stops before any model
    with one line naming what changed (on-run-start, from validate_vars).

    What is recorded (build_settings()):
      - every setting of settings_rules() but those only tables rebuilt by
        every load read (settings_rebuilt_every_load(): a load applies them
        to every row), in a canonical text (whole numbers and fractions as
        numbers, so 0.8 and 0.80 are one setting);
      - the checksum dbt keeps of every seed an incremental model depends
        on, directly or through other models (sla_policies, business_hours
        and public_holidays feed int_contact_sla): seeds only tables rebuilt
        by every load read (kpi_targets, kpi_scorecard_weights) can change
        between loads;
      - the version of how the incremental models store their rows
        (storage_layout()): a warehouse built by an earlier version of the
        project, whose rows a load of this one would mix with its own,
        stops the same way.

    When it is recorded: by the first invocation on a warehouse without a
    record, and by every `dbt build --full-refresh` of the whole project
    (`ccw build --full-refresh`), which decides every row again. A full
    refresh of a selection, `dbt run` or `dbt seed` decides only part of
    the rows, so it compares like a load. -#}

{% macro settings_rebuilt_every_load() %}
    {#- read only by table models no incremental model depends on
        (tests_py/test_any_centre.py checks it): fct_kpi_alerts, dim_date -#}
    {{ return(['alert_min_volume', 'holiday_country']) }}
{% endmacro %}

{#- The version of each way the incremental models store rows that a load
    relies on, recorded as 'layout <name>'. Raise one when a change makes the
    rows an earlier version stored wrong for a load of this one (a warehouse
    built before has no record of it, or the older number, and must be
    rebuilt once):
      staging_scope_key 2: a base_ row without its natural id is its own
        scope, '#' and its record hash (contract_scope_key); version 1 gave
        every such row the scope '', which a load would never re-decide
        with the new rows' copies. -#}
{% macro storage_layout() %}
    {{ return({'staging_scope_key': '2'}) }}
{% endmacro %}

{#- [(name, canonical text)] of the settings and seeds a load must share
    with the build that made the warehouse, sorted by name. -#}
{% macro build_settings() %}
    {% set settings = {} %}
    {% for name, rule in settings_rules().items() %}
        {% if name not in settings_rebuilt_every_load() %}
            {% set text = (var(name) | string) | trim %}
            {% if rule[0] in ('int', 'choice') %}
                {% set text = text | int | string %}
            {% elif rule[0] == 'fraction' %}
                {% set text = text | float | string %}
            {% endif %}
            {% do settings.update({'var ' ~ name: text}) %}
        {% endif %}
    {% endfor %}
    {% set seeds = {} %}
    {#- one walk for all of them: a node's seeds are collected once -#}
    {% set visited = {} %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and node.config.materialized == 'incremental' %}
            {% do seeds_upstream(node, seeds, visited) %}
        {% endif %}
    {% endfor %}
    {% for unique_id in seeds %}
        {% set seed = graph.nodes[unique_id] %}
        {% do settings.update({'seed ' ~ seed.name: seed.checksum.checksum}) %}
    {% endfor %}
    {% for name, version in storage_layout().items() %}
        {% do settings.update({'layout ' ~ name: version}) %}
    {% endfor %}
    {% set rows = [] %}
    {% for name in settings | sort %}{% do rows.append((name, settings[name])) %}{% endfor %}
    {{ return(rows) }}
{% endmacro %}

{#- adds to `found` every seed `node` depends on, through any models, skipping
    the nodes in `visited` (both dicts used as sets) -#}
{% macro seeds_upstream(node, found, visited) %}
    {% for parent in node.depends_on.nodes %}
        {% if parent not in visited %}
            {% do visited.update({parent: true}) %}
            {% if parent.startswith('seed.') %}
                {% do found.update({parent: true}) %}
            {% elif parent in graph.nodes %}
                {% do seeds_upstream(graph.nodes[parent], found, visited) %}
            {% endif %}
        {% endif %}
    {% endfor %}
{% endmacro %}

{% macro check_build_settings() %}
    {% do create_build_settings_table() %}
    {% set current = build_settings() %}
    {% set stored = {} %}
    {% for row in run_query('select name, value from raw.build_settings').rows %}
        {% do stored.update({row[0]: row[1]}) %}
    {% endfor %}
    {% set args = invocation_args_dict %}
    {% set whole_rebuild = flags.FULL_REFRESH and args.get('which') == 'build'
        and not args.get('select') and not args.get('exclude') and not args.get('selector') %}
    {% if not stored or whole_rebuild %}
        {% do write_build_settings(current) %}
        {{ return(none) }}
    {% endif %}
    {% set changed = [] %}
    {% for name, value in current %}
        {% if stored.get(name) != value %}
            {% if name.startswith('seed ') %}
                {% do changed.append(name ~ ' (its file changed)') %}
            {% else %}
                {% do changed.append(name ~ ' ' ~ (stored.get(name) or '(not recorded)') ~ ' -> ' ~ value
                    ~ (' (the warehouse was built by an earlier version of the project)'
                       if name.startswith('layout ') else '')) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% if changed %}
        {{ exceptions.raise_compiler_error(
            "Settings differ from those the warehouse was built with: " ~ changed | join('; ')
            ~ " (raw.build_settings); a load keeps the rows earlier loads decided, so the marts would mix both"
            ~ ": rebuild once with `ccw build --full-refresh` (or `dbt build --full-refresh`) under the new settings"
            ~ ", or load with the recorded ones"
        ) }}
    {% endif %}
{% endmacro %}

{% macro create_build_settings_table() %}
    {{ return(adapter.dispatch('create_build_settings_table', 'contact_center')()) }}
{% endmacro %}
{% macro default__create_build_settings_table() %}
    {#- one round trip: every query through dbt costs milliseconds, and this hook runs alone before any model -#}
    {% do run_query('create schema if not exists raw; create table if not exists raw.build_settings (name '
        ~ dbt.type_string() ~ ', value ' ~ dbt.type_string() ~ ')') %}
{% endmacro %}
{% macro spark__create_build_settings_table() %}
    {% do run_query('create schema if not exists raw') %}
    {% do run_query('create table if not exists raw.build_settings (name string, value string) using parquet') %}
{% endmacro %}

{#- replaces the record with `rows` ([(name, value)]) -#}
{% macro write_build_settings(rows) %}
    {% set values = [] %}
    {% for name, value in rows %}
        {% do values.append("('" ~ sql_quote_text(name) ~ "', '" ~ sql_quote_text(value) ~ "')") %}
    {% endfor %}
    {{ return(adapter.dispatch('write_build_settings', 'contact_center')(values)) }}
{% endmacro %}
{% macro default__write_build_settings(values) %}
    {% do run_query('delete from raw.build_settings; insert into raw.build_settings (name, value) values '
        ~ values | join(', ')) %}
{% endmacro %}
{% macro spark__write_build_settings(values) %}
    {% do run_query('insert overwrite table raw.build_settings values ' ~ values | join(', ')) %}
{% endmacro %}

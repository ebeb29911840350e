{#- SQL generated from the KPI catalogue (macros/kpis/kpi_catalogue.sql). -#}

{#- The catalogue entries of one fact family ('agent_day' or 'queue_day'). -#}
{% macro kpi_entries(fact) -%}
    {{ return(kpi_catalogue()[fact]) }}
{%- endmacro %}

{#- The additive measures of a fact family, in column order. -#}
{% macro kpi_measures(fact) -%}
    {{ return(kpi_entries(fact) | selectattr('measure', 'defined') | list) }}
{%- endmacro %}

{#- The KPIs of a fact family that are columns of its facts. -#}
{% macro kpi_rate_entries(fact) -%}
    {{ return(kpi_entries(fact) | selectattr('kpi', 'defined') | rejectattr('column', 'false') | list) }}
{%- endmacro %}

{#- The SQL of a KPI's numerator or denominator: a measure's name, or the
    `sql` of a named sum of measures. -#}
{% macro kpi_part_sql(part) -%}
    {{- part if part is string else part['sql'] -}}
{%- endmacro %}

{#- A KPI's value from the summed measures of its row: null when the
    denominator is 0. -#}
{% macro kpi_ratio_sql(kpi) -%}
    {%- if kpi.get('scale') %}{{ kpi['scale'] }} * {% endif -%}
    cast({{ kpi_part_sql(kpi['numerator']) }} as double) / nullif({{ kpi_part_sql(kpi['denominator']) }}, 0)
{%- endmacro %}

{#- The measure and KPI columns of a fact, in catalogue order: each measure
    cast to its type, each KPI computed from the row's measures (as they are
    before the casts: the relation selected from must carry them by name). -#}
{% macro kpi_fact_columns(fact) -%}
    {%- for entry in kpi_entries(fact) if entry.get('column', true) %}
        {%- if entry.get('measure') %}
        cast({{ entry['measure'] }} as {{ entry['type'] }}) as {{ entry['measure'] }}
        {%- else %}
        {{ kpi_ratio_sql(entry) }} as {{ entry['kpi'] }}
        {%- endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- `sum(<measure>) as <measure>` for every measure of a fact family. -#}
{% macro kpi_measure_sums(fact) -%}
    {%- for entry in kpi_measures(fact) %}
        sum({{ entry['measure'] }}) as {{ entry['measure'] }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The families whose agent-day models feed fct_agent_daily, in the order
    they first appear in the catalogue. -#}
{% macro kpi_agent_day_families() -%}
    {%- set families = [] -%}
    {%- for entry in kpi_measures('agent_day') -%}
        {%- set owners = entry['family'] if entry['family'] is not string else [entry['family']] -%}
        {%- for family in owners if family not in families -%}
            {%- do families.append(family) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(families) }}
{%- endmacro %}

{#- One agent-day measure assembled from its family models (joined under
    their family's name): 0 when the family has no row for the agent-day. -#}
{% macro kpi_measure_from_families(entry) -%}
    {%- if entry.get('sums') -%}
        {%- for column in entry['sums'] -%}
            coalesce({{ entry['family'][loop.index0] }}.{{ column }}, 0)
            {%- if not loop.last %} + {% endif -%}
        {%- endfor -%}
    {%- else -%}
        coalesce({{ entry['family'] }}.{{ entry['measure'] }}, 0)
    {%- endif -%}
{%- endmacro %}

{#- The scopes fct_kpi_alerts checks: a kpi_targets `scope`, the fact model
    and its id column, and the catalogue's fact family. -#}
{% macro kpi_alert_scopes() -%}
    {{ return([
        {'scope': 'agent', 'scope_id': 'agent_id', 'model': 'fct_agent_daily', 'fact': 'agent_day'},
        {'scope': 'team', 'scope_id': 'team', 'model': 'fct_team_daily', 'fact': 'agent_day'},
        {'scope': 'queue', 'scope_id': 'queue', 'model': 'fct_queue_daily', 'fact': 'queue_day'},
    ]) }}
{%- endmacro %}

{#- Every KPI column name of any alert scope, each once, in catalogue order. -#}
{% macro kpi_alert_names() -%}
    {%- set names = [] -%}
    {%- for scope in kpi_alert_scopes() -%}
        {%- for kpi in kpi_rate_entries(scope['fact']) if kpi['kpi'] not in names -%}
            {%- do names.append(kpi['kpi']) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- `case <selector> when '<kpi>' then <relation>.<kpi><suffix> ... end`: the
    value (suffix '') or volume (suffix '_volume') of the KPI a row names,
    from a relation carrying one column per KPI (the alert and scorecard
    unpivots). -#}
{% macro kpi_case(selector, relation, names, suffix='') -%}
case {{ selector }}
            {%- for name in names %}
            when '{{ name }}' then {{ relation }}.{{ name }}{{ suffix }}
            {%- endfor %}
        end
{%- endmacro %}

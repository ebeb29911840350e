{#- on-run-start, before anything reads a file or builds a model: every
    setting (dbt var) is checked, and a bad one stops the invocation with one
    line naming the var, its value and what it accepts; then a setting that
    differs from what the warehouse was built with stops it too
    (check_build_settings, macros/build_settings.sql).

    The rules live in settings_rules() below, next to the defaults in
    dbt_project.yml; docs/settings.md lists them for people. -#}

{#- name -> (kind, minimum). kinds: int (a whole number >= minimum),
    timezone (an IANA name the engine knows), digits, date (YYYY-MM-DD),
    choice (one of the whole numbers listed), fraction (a number strictly
    between 0 and 1), country (two capital letters, ISO 3166). -#}
{% macro settings_rules() %}
    {{ return({
        'reporting_timezone': ('timezone', none),
        'telephony_timezone': ('timezone', none),
        'default_country_code': ('digits', none),
        'session_gap_minutes': ('int', 1),
        'chat_gap_cap_s': ('int', 0),
        'slow_response_threshold_s': ('int', 0),
        'fcr_window_hours': ('int', 0),
        'survey_match_hours': ('int', 0),
        'conversion_window_days': ('int', 0),
        'service_level_s': ('int', 0),
        'short_abandon_s': ('int', 0),
        'late_grace_s': ('int', 0),
        'alert_min_volume': ('int', 0),
        'interval_minutes': ('choice', [15, 30, 60]),
        'service_level_target': ('fraction', none),
        'holiday_country': ('country', none),
        'valid_from_date': ('date', none),
        'valid_to_date': ('date', none),
        'max_duration_s': ('int', 1),
        'max_state_duration_s': ('int', 1),
    }) }}
{% endmacro %}

{% macro validate_vars() %}
    {% if not execute %}{{ return('select 1') }}{% endif %}
    {% set problems = [] %}
    {% set zones = [] %}
    {% for name, rule in settings_rules().items() %}
        {% set kind, minimum = rule %}
        {% set value = var(name, none) %}
        {% set text = (value | string) | trim %}
        {% if value is none or text == '' %}
            {% do problems.append("var " ~ name ~ " is not set (dbt_project.yml holds its default)") %}
        {% elif kind == 'int' %}
            {% set digits = text[1:] if text.startswith('-') else text %}
            {% if value is boolean or not (digits | length > 0 and digits.isdigit()) %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is not a whole number (expected >= " ~ minimum ~ ")") %}
            {% elif (text | int) < minimum %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is below its minimum " ~ minimum) %}
            {% endif %}
        {% elif kind == 'choice' %}
            {% if value is boolean or not text.isdigit() or (text | int) not in minimum %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is not one of " ~ minimum | join(', ')) %}
            {% endif %}
        {% elif kind == 'fraction' %}
            {% if value is boolean or not modules.re.fullmatch('0?[.][0-9]+', text) or (text | float) <= 0 %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is not a number strictly between 0 and 1 (e.g. 0.8)") %}
            {% endif %}
        {% elif kind == 'country' %}
            {% if not modules.re.fullmatch('[A-Z]{2}', text) %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is not a two-letter country code (e.g. CN, PH, DE)") %}
            {% endif %}
        {% elif kind == 'digits' %}
            {% if not text.isdigit() %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " must be digits only (e.g. 86, 41, 1)") %}
            {% endif %}
        {% elif kind == 'date' %}
            {% if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) %}
                {% do problems.append("var " ~ name ~ " = " ~ text ~ " is not a date YYYY-MM-DD") %}
            {% endif %}
        {% elif kind == 'timezone' %}
            {% do zones.append((name, text)) %}
        {% endif %}
    {% endfor %}
    {% if not problems and var('valid_from_date') | string >= var('valid_to_date') | string %}
        {% do problems.append("var valid_from_date = " ~ var('valid_from_date') ~ " must be before valid_to_date = " ~ var('valid_to_date')) %}
    {% endif %}
    {% for name, zone in zones %}
        {% if not timezone_exists(zone) %}
            {% do problems.append("var " ~ name ~ " = " ~ zone ~ " is not a known IANA time zone (e.g. Europe/Zurich, America/New_York)") %}
        {% endif %}
    {% endfor %}
    {% if problems %}
        {{ exceptions.raise_compiler_error("Invalid setting: " ~ problems | join('; ') ~ "; fix it in --vars or dbt_project.yml") }}
    {% endif %}
    {#- valid, and the settings the warehouse was built with (macros/build_settings.sql) -#}
    {% do check_build_settings() %}
    {{ return('select 1') }}
{% endmacro %}

{#- true when the engine knows the IANA zone `zone`. -#}
{% macro timezone_exists(zone) %}
    {{ return(adapter.dispatch('timezone_exists', 'contact_center')(zone)) }}
{% endmacro %}
{% macro duckdb__timezone_exists(zone) %}
    {% set found = run_query("select count(*) from pg_timezone_names() where name = '" ~ sql_quote_text(zone) ~ "'") %}
    {{ return(found.columns[0].values()[0] > 0) }}
{% endmacro %}
{% macro default__timezone_exists(zone) %}
    {{ return(zone in modules.pytz.all_timezones) }}
{% endmacro %}

{#- The raw folder as an absolute path, resolved once per invocation.
    A relative RAW_DIR / var('raw_dir') is taken against the project root, so
    that no relative path is ever baked into a view. -#}
{% macro raw_dir() -%}
    {%- set raw = var('raw_dir') | string | trim -%}
    {%- if raw.startswith('/') -%}
        {{ return(raw.rstrip('/')) }}
    {%- endif -%}
    {%- set project_dir = (invocation_args_dict.get('project_dir') or '') | string -%}
    {%- if not project_dir.startswith('/') -%}
        {%- set pwd = env_var('PWD', '') -%}
        {%- if not pwd.startswith('/') -%}
            {{ exceptions.raise_compiler_error(
                "raw_dir: cannot resolve relative RAW_DIR '" ~ raw ~ "' to an absolute path; "
                ~ "set RAW_DIR to an absolute path or run dbt from the project root") }}
        {%- endif -%}
        {%- set project_dir = (pwd.rstrip('/') ~ '/' ~ project_dir) if project_dir else pwd -%}
    {%- endif -%}
    {%- set joined = project_dir.rstrip('/') ~ '/' ~ (raw[2:] if raw.startswith('./') else raw) -%}
    {{ return(joined.rstrip('/')) }}
{%- endmacro %}

{#- Fails for every combination of `combination_of_columns` that occurs more
    than once (the primary-key test of a compound grain). No dbt Hub package:
    the project's own version of the well-known dbt_utils test. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (
    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
),

final as (
    select *
    from grouped
    where n_rows > 1
)

select * from final

{% endtest %}

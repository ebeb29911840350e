{#- The monthly agent scorecard (指标及权重, KPIs with weights): each KPI of
    the `kpi_scorecard_weights` seed, computed over the agent's month from
    summed numerators and denominators (KPI catalogue), scored 0-100 against
    the agent-scope target of `kpi_targets`, weighted, and totalled.
    Scoring rule (documented in the mart's YAML):
      higher is better (target direction min): 100 * least(1, value / target)
      lower is better (direction max):         100 * least(1, target / value),
                                               100 when value is 0
    A KPI with no value in the month (denominator 0) has no score and is left
    out of the total: total_score = sum(weight * score) / sum(weight) over
    the scored KPIs. -#}
{%- set kpi_names = kpi_rate_entries('agent_day') | map(attribute='kpi') | list %}

with

agent_daily as (
    select * from {{ ref('fct_agent_daily') }}
),

weights as (
    select * from {{ ref('kpi_scorecard_weights') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

agent_days_ranked as (
    select
        agent_id,
        {{ dbt.date_trunc('month', 'activity_date') }} as month_start,
        team,
        is_final,
        row_number() over (
            partition by agent_id, {{ dbt.date_trunc('month', 'activity_date') }}
            order by activity_date desc
        ) as days_from_month_end
    from agent_daily
),

agent_month_teams as (
    select
        agent_id,
        month_start,
        team
    from agent_days_ranked
    where days_from_month_end = 1
),

agent_month_sums as (
    select
        agent_id,
        {{ dbt.date_trunc('month', 'activity_date') }} as month_start,
        min(case when is_final then 1 else 0 end) = 1 as is_final,
        {{- kpi_measure_sums('agent_day') }}
    from agent_daily
    group by agent_id, {{ dbt.date_trunc('month', 'activity_date') }}
),

agent_month_kpis as (
    select
        agent_id,
        month_start,
        is_final,
        {%- for kpi in kpi_rate_entries('agent_day') %}
        {{ kpi_ratio_sql(kpi) }} as {{ kpi['kpi'] }},
        {%- endfor %}
        {%- for kpi in kpi_rate_entries('agent_day') %}
        cast({{ kpi_part_sql(kpi['denominator']) }} as double) as {{ kpi['kpi'] }}_volume
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from agent_month_sums
),

weighted as (
    select
        agent_month_kpis.agent_id,
        agent_month_kpis.month_start,
        agent_month_kpis.is_final,
        weights.kpi,
        cast(weights.weight as double) as weight,
        {{ kpi_case('weights.kpi', 'agent_month_kpis', kpi_names) }} as kpi_value,
        {{ kpi_case('weights.kpi', 'agent_month_kpis', kpi_names, '_volume') }} as volume,
        kpi_targets.threshold,
        kpi_targets.direction
    from agent_month_kpis
    cross join weights
    left join kpi_targets
        on
            weights.kpi = kpi_targets.metric
            and kpi_targets.scope = 'agent'
),

scored as (
    select
        *,
        case
            when kpi_value is null or threshold is null then null
            when direction = 'min' then 100.0 * least(1.0, kpi_value / threshold)
            when kpi_value = 0 then 100.0
            else 100.0 * least(1.0, threshold / kpi_value)
        end as score
    from weighted
),

totals as (
    select
        agent_id,
        month_start,
        sum(weight * score) / nullif(sum(case when score is not null then weight end), 0) as total_score,
        count(score) as kpis_scored
    from scored
    group by agent_id, month_start
),

final as (
    select
        scored.agent_id,
        cast(scored.month_start as date) as month,
        agent_month_teams.team,
        scored.kpi,
        cast(scored.kpi_value as double) as value,
        cast(scored.volume as double) as volume,
        cast(scored.threshold as double) as threshold,
        scored.direction,
        cast(scored.score as double) as score,
        scored.weight,
        cast(scored.weight * scored.score / 100.0 as double) as weighted_score,
        cast(totals.total_score as double) as total_score,
        cast(totals.kpis_scored as bigint) as kpis_scored,
        scored.is_final
    from scored
    inner join totals
        on
            scored.agent_id = totals.agent_id
            and scored.month_start = totals.month_start
    left join agent_month_teams
        on
            scored.agent_id = agent_month_teams.agent_id
            and scored.month_start = agent_month_teams.month_start
)

select * from final

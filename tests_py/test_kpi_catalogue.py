"""The KPI catalogue (macros/kpis/kpi_catalogue.sql) is the one definition of
every KPI: the facts' columns, the alerts, the data gate and the semantic
layer follow it, and adding a KPI is one catalogue entry."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from ccw.paths import PROJECT_ROOT
from ccw.warehouse import catalogue

from test_marts_helpers import dbt, project_copy, warehouse_copy

FACTS = {"agent_day": ("fct_agent_daily", "fct_team_daily"), "queue_day": ("fct_queue_daily",)}


def test_generated_yaml_is_in_sync_with_the_catalogue() -> None:
    assert catalogue.sync(write=False) == [], "run `ccw kpis sync` and commit the result"


def test_sync_notices_a_catalogue_change(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    path = project / catalogue.CATALOGUE_PATH
    text = path.read_text()
    path.write_text(text.replace("label: Average handle time (s)", "label: Handle time per interaction (s)"))
    assert set(catalogue.sync(project, write=False)) == {
        Path("models/marts/fct_agent_daily.yml"), Path("models/marts/fct_team_daily.yml")}
    catalogue.sync(project, write=True)
    assert "Handle time per interaction (s)" in (project / "models/marts/fct_agent_daily.yml").read_text()
    assert catalogue.sync(project, write=False) == []


def test_every_kpi_column_equals_its_catalogue_formula(demo_con: duckdb.DuckDBPyConnection) -> None:
    """Recompute each KPI from the catalogue's numerator and denominator over the
    fact's own measure columns: a column whose SQL drifted from its definition fails."""
    cat = catalogue.load()
    checked = 0
    for fact, models in FACTS.items():
        for model in models:
            for kpi in cat.kpis(fact, columns_only=True):
                bad = demo_con.execute(
                    f"""select count(*) from marts.{model}
                    where not (({kpi.name} is null and ({kpi.sql}) is null)
                        or abs({kpi.name} - ({kpi.sql})) <= 1e-9 * greatest(1, abs({kpi.name})))"""
                ).fetchone()[0]
                assert bad == 0, f"{model}.{kpi.name} differs from {kpi.sql} on {bad} rows"
                checked += 1
    assert checked >= 50


def test_kpi_targets_name_catalogue_kpis_in_the_direction_that_is_better() -> None:
    cat = catalogue.load()
    kpis = {(fact, k.name): k for fact in cat.facts for k in cat.kpis(fact, columns_only=True)}
    with (PROJECT_ROOT / "seeds" / "kpi_targets.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        fact = "queue_day" if row["scope"] == "queue" else "agent_day"
        kpi = kpis.get((fact, row["metric"]))
        assert kpi is not None, f"kpi_targets names {row['metric']} ({row['scope']}), not a KPI column of {fact}"
        expected = "min" if kpi.better == "higher" else "max"
        assert row["direction"] == expected, f"{row['metric']}: higher is {kpi.better}, target direction {row['direction']}"


@pytest.mark.slow
def test_adding_a_kpi_is_one_catalogue_entry(tmp_path: Path, demo_raw: Path, demo_warehouse: Path) -> None:
    """A fixture KPI (hold time as a share of handle time) added to the catalogue of a
    project copy, then `ccw kpis sync` and one kpi_targets row: the agent and team
    facts get its column, fct_kpi_alerts raises it, the semantic layer has its metric."""
    project = project_copy(tmp_path / "project")
    path = project / catalogue.CATALOGUE_PATH
    text = path.read_text()
    entry = """  - kpi: hold_share
    label: Hold share of handle time
    numerator: hold_s_sum
    denominator: handle_s_sum
    unit: ratio
    range: [0, 1]
    better: lower
    definition: 'Hold seconds per handle second: hold_s_sum / handle_s_sum. Null without handle time.'
"""
    anchor = "  - kpi: aht_s\n"  # the agent-day AHT (the queue-day one comes later, under queue_day:)
    assert 0 <= text.find(anchor) < text.find("\nqueue_day:")
    path.write_text(text.replace(anchor, entry + anchor, 1))
    changed = catalogue.sync(project, write=True)
    assert {Path("models/marts/fct_agent_daily.yml"), Path("models/marts/fct_team_daily.yml"),
            Path("seeds/_seeds.yml")} <= set(changed)
    with (project / "seeds" / "kpi_targets.csv").open("a", newline="") as fh:
        fh.write("hold_share,agent,max,0,warning,Fixture: any hold at all\n")

    wh = warehouse_copy(demo_warehouse, tmp_path / "wh")
    dbt(project, ["build", "--full-refresh", "--select", "kpi_targets", "fct_agent_daily", "fct_team_daily",
                  "fct_kpi_alerts", "--vars", "{alert_min_volume: 1}"], demo_raw, wh)

    con = duckdb.connect(str(wh), read_only=True)
    try:
        for model in ("fct_agent_daily", "fct_team_daily"):
            rows, wrong = con.execute(
                f"""select count(hold_share), count(*) filter (where hold_share is distinct from
                    hold_s_sum / nullif(handle_s_sum, 0)) from marts.{model}"""
            ).fetchone()
            assert rows > 0 and wrong == 0, (model, rows, wrong)
        expected = con.execute(
            "select count(*) from marts.fct_agent_daily where handle_s_sum >= 1 and hold_share > 0"
        ).fetchone()[0]
        alerts = con.execute(
            "select count(*) from marts.fct_kpi_alerts where metric = 'hold_share' and scope = 'agent'"
        ).fetchone()[0]
        assert expected > 0 and alerts == expected
    finally:
        con.close()
    semantic = json.loads((project / "target" / "semantic_manifest.json").read_text())
    metric = next(m for m in semantic["metrics"] if m["name"] == "hold_share")
    assert metric["type"] == "ratio"
    assert metric["type_params"]["numerator"]["name"] == "hold_s_sum"
    assert metric["type_params"]["denominator"]["name"] == "handle_s_sum"

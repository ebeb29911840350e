"""Every analysis in analyses/ compiles with `dbt compile` and its compiled
SQL runs against a built warehouse (marts only)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from test_marts_helpers import dbt, shared_project

pytestmark = pytest.mark.slow

SEEDS = {"kpi_targets"}  # configuration a BI user reads too
ANALYSES = [
    "monthly_kpi_trend",
    "contact_structure_by_journey_stage",
    "csat_vs_response_and_wait_time",
    "before_after_comparison",
    "agent_vs_team_benchmark",
    "operations_health",
]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory, demo_raw: Path, demo_warehouse: Path):
    project, wh = shared_project(tmp_path_factory, demo_raw, demo_warehouse)
    dbt(project, ["compile", "--select", "path:analyses"], demo_raw, wh)
    return project / "target" / "compiled" / "contact_center" / "analyses", wh


def test_every_analysis_reads_marts_only(project_root: Path) -> None:
    for sql in (project_root / "analyses").glob("*.sql"):
        text = sql.read_text()
        assert "source(" not in text, sql.name
        for ref in text.split("ref('")[1:]:
            name = ref.split("'", 1)[0]
            assert name.startswith(("fct_", "dim_")) or name in SEEDS, f"{sql.name} refs {name}"


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_compiles_and_runs(name: str, compiled) -> None:
    folder, wh = compiled
    sql = (folder / f"{name}.sql").read_text()
    con = duckdb.connect(str(wh), read_only=True)
    try:
        rows = con.sql(sql).fetchall()
    finally:
        con.close()
    assert rows, f"{name} returned no rows on the demo warehouse"


def test_before_after_comparison_takes_a_change_date(compiled, demo_raw: Path, tmp_path: Path) -> None:
    folder, wh = compiled
    con = duckdb.connect(str(wh), read_only=True)
    mid = con.execute("select min(activity_date) + 10 from marts.fct_agent_daily").fetchall()[0][0]
    con.close()
    project = folder.parents[3]
    dbt(project, ["compile", "--select", "before_after_comparison", "--vars", f"{{change_date: '{mid}', comparison_days: 7}}"], demo_raw, wh)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        row = con.sql((folder / "before_after_comparison.sql").read_text()).df().iloc[0]
    finally:
        con.close()
    assert str(row["change_date"])[:10] == str(mid)
    assert row["comparison_days"] == 7
    assert row["days_before"] > 0 and row["days_after"] > 0


def test_ccw_analyse_runs_an_analysis_read_only_beside_a_reader(demo_warehouse: Path, tmp_path: Path) -> None:
    """`ccw analyse NAME --csv FILE` compiles with the reader target and reads the
    published file read-only: it works while another process holds it open, and its
    figures are the marts' (monthly contacts owned = the sum over fct_agent_daily)."""
    import csv
    import subprocess
    import sys

    holder = duckdb.connect(str(demo_warehouse), read_only=True)  # e.g. the dashboard
    try:
        out = tmp_path / "trend.csv"
        proc = subprocess.run([sys.executable, "-m", "ccw", "analyse", "monthly_kpi_trend", "--warehouse",
                               str(demo_warehouse), "--csv", str(out)], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        rows = list(csv.DictReader(out.open()))
        expected = dict(holder.execute(
            "select strftime(date_trunc('month', activity_date), '%Y-%m'), sum(contacts_owned) "
            "from marts.fct_agent_daily group by 1").fetchall())
    finally:
        holder.close()
    assert rows and {r["month"][:7]: float(r["contacts_owned"]) for r in rows} == pytest.approx(
        {k: float(v) for k, v in expected.items()})
    bad = subprocess.run([sys.executable, "-m", "ccw", "analyse", "no_such_analysis", "--warehouse",
                          str(demo_warehouse)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("error: no analysis named")

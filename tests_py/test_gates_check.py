"""The data gate (`ccw check`, Great Expectations): passes on good data, fails
readably on bad data.

Two kinds of warehouse:
- a small synthetic one built here in a few SQL statements (fast, and
  independent of the models), broken on purpose in copies;
- the session's `demo_warehouse` (the real dbt build of simulated data):
  the gate passes on it, and fails on a copy with a rate above 1.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from ccw.checks.gx_gate import run_gate
from ccw.checks.suite import AGENT_KPI_RANGES, AGENT_MEASURES
from ccw.paths import PROJECT_ROOT
from ccw.warehouse import catalogue

TZ = "Asia/Shanghai"


def build_synthetic_warehouse(path: Path) -> Path:
    """A consistent mini warehouse: 20 call legs, the marts and upstreams the
    reconciliation compares, every spec column of fct_agent_daily."""
    con = duckdb.connect(str(path))
    for schema in ("marts", "intermediate", "staging"):
        con.execute(f"create schema {schema}")
    con.execute(
        """
        create table staging.stg_telephony__calls as
        select
            'C' || i as call_id,
            case when i % 5 = 0 then 'outbound' else 'inbound' end as direction,
            'sales' as queue,
            'A' || (i % 3) as agent_id,
            timestamp '2026-03-01 02:00:00' + i * interval 1 hour as enqueued_at,
            timestamp '2026-03-01 02:00:10' + i * interval 1 hour as answered_at,
            timestamp '2026-03-01 02:05:00' + i * interval 1 hour as ended_at,
            10 as hold_s, 20 as acw_s, 'answered' as disposition
        from range(1, 21) as t(i)
        """
    )
    con.execute(
        f"""
        create table intermediate.int_call_legs_assembled as
        select call_id, direction, queue, agent_id, enqueued_at, ended_at, true as is_answered,
            cast(timezone('{TZ}', timezone('UTC', enqueued_at)) as date) as activity_date
        from staging.stg_telephony__calls
        """
    )
    con.execute(
        "create table intermediate.int_contacts_unioned as select 'call-' || call_id as contact_id "
        "from intermediate.int_call_legs_assembled where direction = 'inbound'"
    )
    # every KPI inside its range: the midpoint, or the lower bound when open above
    kpi_values = {name: lo if hi is None else (lo + hi) / 2 for name, (lo, hi) in AGENT_KPI_RANGES.items()}
    kpi_values.update(csat_avg=4.2, qa_score_avg=88.5, nps=20.0)
    measures = ", ".join(
        [f"0 as {c}" for c in AGENT_MEASURES] + [f"{v}::double as {c}" for c, v in kpi_values.items()]
    )
    con.execute(
        f"""
        create table marts.fct_agent_daily as
        select agent_id, activity_date, 'T1' as team, 'S1' as site, {measures}, true as is_final
        from (select distinct agent_id, activity_date from intermediate.int_call_legs_assembled)
        """
    )
    con.execute(
        """
        update marts.fct_agent_daily as f
        set calls_answered = x.n, contacts_owned = x.n
        from (
            select agent_id, activity_date, count(*) as n
            from intermediate.int_call_legs_assembled
            where direction = 'inbound'
            group by all
        ) as x
        where f.agent_id = x.agent_id and f.activity_date = x.activity_date
        """
    )
    # every queue-day column of the KPI catalogue: all legs answered within SL, 100 s waited, the rest 0
    cat = catalogue.load()
    given = {"offered": "count(*)", "answered": "count(*)", "answered_within_sl": "count(*)",
             "answer_wait_s_sum": "100", "handle_s_sum": "count(*) * 300.0"}
    measures = ", ".join(f"{given.get(m.name, '0')} as {m.name}" for m in cat.measures("queue_day"))
    kpis = ", ".join(f"{k.sql} as {k.name}" for k in cat.kpis("queue_day", columns_only=True))
    con.execute(
        f"""
        create table marts.fct_queue_daily as
        select *, {kpis} from (
            select queue, activity_date, {measures}
            from intermediate.int_call_legs_assembled
            where direction = 'inbound'
            group by all
        )
        """
    )
    con.execute(
        """
        create table marts.fct_contacts as
        select 'call-' || call_id as contact_id, 'call' as contact_type, 'phone' as channel, call_id as source_ref,
            null as customer_id, agent_id as owner_agent_id, queue, activity_date,
            enqueued_at as started_at, ended_at, true as is_handled, null as ticket_id,
            false as is_complaint, false as is_presales, 10 as wait_s, 300 as handle_s,
            null as first_response_s, 4 as csat_score, 9 as nps_score, null as is_fcr, null as is_repeat
        from intermediate.int_call_legs_assembled
        where direction = 'inbound'
        """
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def synthetic_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_warehouse(tmp_path_factory.mktemp("gx") / "synthetic.duckdb")


def broken_copy(source: Path, dest_dir: Path, *statements: str) -> Path:
    dest = dest_dir / "broken.duckdb"
    shutil.copy2(source, dest)
    con = duckdb.connect(str(dest))
    for sql in statements:
        con.execute(sql)
    con.close()
    return dest


def ccw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccw", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600
    )


def ccw_in_process(*args: str):
    """`ccw check ...` in this process (Great Expectations is imported once per session)."""
    from ccw.checks.cli import check
    from click.testing import CliRunner

    return CliRunner().invoke(check, list(args))


def failures_text(result) -> str:
    return "\n".join(f"{f.suite} | {f.expectation} | {f.column} | {f.observed} | {f.sample}" for f in result.failures)


# ----------------------------------------------------------------- synthetic


def test_check_passes_on_consistent_warehouse(synthetic_warehouse: Path) -> None:
    res = ccw_in_process("--warehouse", str(synthetic_warehouse))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("ok:")
    # marts not in the synthetic file are skipped politely, one warning line each
    assert "warning: marts.fct_tickets does not exist: skipped" in res.stderr


def test_rate_above_one_fails_with_readable_report(synthetic_warehouse: Path, tmp_path: Path) -> None:
    broken = broken_copy(
        synthetic_warehouse, tmp_path, "update marts.fct_agent_daily set reply_rate = 1.5 where agent_id = 'A1'"
    )
    res = ccw_in_process("--warehouse", str(broken))
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    out = res.stdout
    header = out.splitlines()[0]
    for column in ("suite", "expectation", "column", "observed", "failing rows sample"):
        assert column in header
    line = next(ln for ln in out.splitlines() if "reply_rate" in ln)
    assert "marts.fct_agent_daily" in line and "between 0 and 1" in line
    assert "agent_id=A1" in line and "reply_rate=1.5" in line
    assert "FAILED:" in res.stderr and "1 failed" in res.stderr


def test_each_rule_family_catches_its_violation(synthetic_warehouse: Path, tmp_path: Path) -> None:
    broken = broken_copy(
        synthetic_warehouse,
        tmp_path,
        "update marts.fct_agent_daily set hold_s_sum = -3 where agent_id = 'A2'",  # negative sum
        "update marts.fct_agent_daily set nps = 150 where agent_id = 'A0'",  # nps out of [-100, 100]
        "update marts.fct_agent_daily set csat_avg = 0.5 where agent_id = 'A0'",  # csat_avg out of 1..5
        "update marts.fct_agent_daily set chats_replied = 3, chats_assigned = 1 where agent_id = 'A0'",
        "update marts.fct_agent_daily set tickets_solved = null where agent_id = 'A0'",  # count null
        "insert into marts.fct_contacts select * from marts.fct_contacts limit 1",  # duplicate key + count
        "alter table marts.fct_queue_daily drop column abandonment_rate",  # spec column missing
    )
    result = run_gate(broken)
    text = failures_text(result)
    assert not result.success
    expected = [
        ("marts.fct_agent_daily", ">= 0", "hold_s_sum"),
        ("marts.fct_agent_daily", "between -100 and 100", "nps"),
        ("marts.fct_agent_daily", "between 1 and 5", "csat_avg"),
        ("marts.fct_agent_daily", "a >= b", "chats_replied <= chats_assigned"),
        ("marts.fct_agent_daily", "not be null", "tickets_solved"),
        ("marts.fct_contacts", "unique", "contact_id"),
        ("marts.fct_queue_daily", "spec columns exist", "(spec columns)"),
        ("reconciliation", "mart = upstream", "mart_value = upstream_value"),
    ]
    for suite, expectation, column in expected:
        assert any(
            f.suite == suite and expectation in f.expectation and f.column == column for f in result.failures
        ), f"no failure {suite}/{expectation}/{column} in:\n{text}"
    missing = next(f for f in result.failures if f.column == "(spec columns)")
    assert "abandonment_rate" in missing.observed
    recon = next(f for f in result.failures if f.suite == "reconciliation")
    assert "fct_contacts rows = int_contacts_unioned rows" in recon.sample


def test_freshness_fails_when_marts_lag_the_raw_events(synthetic_warehouse: Path, tmp_path: Path) -> None:
    broken = broken_copy(
        synthetic_warehouse,
        tmp_path,
        # a raw event five days after the newest day of the marts
        "insert into staging.stg_telephony__calls select 'C999', 'inbound', 'sales', 'A1', "
        "enqueued_at + interval 5 day, answered_at + interval 5 day, ended_at + interval 5 day, 1, 1, 'answered' "
        "from staging.stg_telephony__calls where call_id = 'C20'",
    )
    assert run_gate(broken, freshness_days=7).success
    result = run_gate(broken, freshness_days=2)
    fresh = [f for f in result.failures if f.suite == "freshness"]
    assert fresh, failures_text(result)
    assert "mart=fct_agent_daily" in fresh[0].sample and "lag_days=" in fresh[0].sample


def test_missing_warehouse_is_one_readable_line(tmp_path: Path) -> None:
    proc = ccw("check", "--warehouse", str(tmp_path / "nowhere.duckdb"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: warehouse file")
    assert "Traceback" not in proc.stderr


def test_check_help() -> None:
    proc = ccw("check", "--help")
    assert proc.returncode == 0
    assert "--warehouse" in proc.stdout and "--freshness-days" in proc.stdout


# ----------------------------------------------------------------- real build


def test_check_passes_on_demo_warehouse(demo_warehouse: Path) -> None:
    result = run_gate(demo_warehouse)
    assert result.success, "ccw check failed on the demo warehouse:\n" + failures_text(result)
    # the demo warehouse has every mart of the spec: nothing skipped
    assert not [w for w in result.warnings if "does not exist" in w], result.warnings
    assert "reconciliation" in result.suites and "freshness" in result.suites


def test_check_fails_on_demo_copy_with_rate_above_one(demo_warehouse: Path, tmp_path: Path) -> None:
    broken = broken_copy(
        demo_warehouse,
        tmp_path,
        "update marts.fct_queue_daily set service_level = 1.25 "
        "where rowid = (select min(rowid) from marts.fct_queue_daily)",
    )
    proc = ccw("check", "--warehouse", str(broken))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if "service_level" in ln)
    assert "marts.fct_queue_daily" in line and "between 0 and 1" in line and "service_level=1.25" in line


def test_check_leaves_to_the_constraints_only_the_rules_the_tables_enforce(demo_warehouse: Path, tmp_path: Path) -> None:
    """The built marts carry not-null and check (>= 0) constraints (docs/quality-gates.md), so
    the gate does not re-check those rules; a table without them is checked in full: a copy of
    fct_agent_daily rebuilt without constraints and given a negative sum fails the gate."""
    full = run_gate(demo_warehouse, tables=["fct_agent_daily"])
    assert full.success and full.enforced >= 2 * 58, full.enforced  # 58 measures: not null and >= 0
    broken = broken_copy(
        demo_warehouse,
        tmp_path,
        "create table marts.plain as from marts.fct_agent_daily",
        "drop table marts.fct_agent_daily",
        "alter table marts.plain rename to fct_agent_daily",
        "update marts.fct_agent_daily set hold_s_sum = -3 where rowid = (select min(rowid) from marts.fct_agent_daily)",
    )
    result = run_gate(broken, tables=["fct_agent_daily"])
    assert result.enforced == 0
    assert result.evaluated >= full.evaluated + full.enforced
    assert [f for f in result.failures if f.column == "hold_s_sum"], failures_text(result)


def test_check_reads_only_the_columns_its_expectations_need(demo_warehouse: Path, tmp_path: Path) -> None:
    """fct_contacts' suite loads the columns its expectations read, not the text columns the spec
    only requires to exist; their existence is still checked: a copy without source_ref fails, and a
    failure found by the pass/fail-only pass is reported with its count and a sample row."""
    from ccw.checks.gx_gate import Warehouse, table_suites
    from ccw.checks.suite import table_specs

    spec = next(s for s in table_specs() if s.name == "fct_contacts")
    wh = Warehouse(demo_warehouse)
    try:
        schema_run, rows_run = table_suites(wh, spec)
        assert len(rows_run.frame) == wh.scalar("select count(*) from marts.fct_contacts") > 0
    finally:
        wh.close()
    assert len(schema_run.frame) == 0 and "source_ref" in schema_run.frame.columns
    assert {"contact_id", "channel", "handle_s"} <= set(rows_run.frame.columns)
    assert not {"source_ref", "customer_id", "owner_agent_id", "ticket_id"} & set(rows_run.frame.columns)

    broken = broken_copy(
        demo_warehouse,
        tmp_path,
        "alter table marts.fct_contacts drop column source_ref",
        "update marts.fct_contacts set channel = 'fax' where rowid = (select min(rowid) from marts.fct_contacts)",
    )
    result = run_gate(broken, tables=["fct_contacts"])
    found = {(f.expectation, f.column): f for f in result.failures}
    assert "source_ref" in found[("spec columns exist", "(spec columns)")].observed
    fax = next(f for (e, c), f in found.items() if c == "channel")
    assert fax.observed.startswith("1 of ") and "channel=fax" in fax.sample and "contact_id=" in fax.sample

"""Roll-ups are exact: team-day and team-month KPIs recomputed from the
numerators and denominators of fct_agent_daily equal fct_team_daily and the
MetricFlow semantic layer's answers (`mf query`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from test_marts_helpers import close, mf, shared_project

pytestmark = pytest.mark.slow

# rate -> (numerator, denominator) as expressions over the summed columns
RATES = {
    "asa_s": ("answer_wait_s_sum", "calls_answered"),
    "hold_rate": ("held_calls", "calls_answered"),
    "avg_hold_s": ("hold_s_sum", "held_calls"),
    "transfer_rate": ("transfers_out", "calls_answered"),
    "aht_s": ("handle_s_sum", "calls_answered + chats_handled"),
    "avg_first_response_s": ("first_response_s_sum", "first_responses"),
    "avg_response_s": ("response_s_sum", "responses"),
    "reply_rate": ("chats_replied", "chats_assigned"),
    "answer_question_ratio": ("agent_messages", "customer_messages"),
    "avg_resolution_s": ("resolution_s_sum", "tickets_solved"),
    "reopen_rate": ("tickets_solved_reopened", "tickets_solved"),
    "resolution_sla_rate": ("resolution_sla_met", "resolution_sla_tickets"),
    "first_response_sla_rate": ("first_response_sla_met", "first_response_sla_contacts"),
    "csat_avg": ("csat_score_sum", "csat_responses"),
    "csat_pct": ("csat_satisfied", "csat_responses"),
    "negative_review_rate": ("negative_reviews", "contacts_owned"),
    "positive_review_rate": ("positive_reviews", "contacts_owned"),
    "nps": ("100 * (nps_promoters - nps_detractors)", "nps_responses"),
    "complaint_rate": ("complaints", "contacts_owned"),
    "qa_score_avg": ("qa_score_sum", "qa_evaluations"),
    "fcr_rate": ("fcr_contacts", "fcr_eligible_contacts"),
    "repeat_contact_rate": ("repeat_contacts", "fcr_eligible_contacts"),
    "next_day_conversion_rate": ("buyers_next_day", "presales_customers"),
    "final_conversion_rate": ("buyers_final", "presales_customers"),
    "aov": ("sales_amount", "buyers_final"),
    "units_per_buyer": ("sales_units", "buyers_final"),
    "adherence_rate": ("adherent_s", "scheduled_s"),
    "shrinkage_rate": ("scheduled_s - adherent_s", "scheduled_s"),
    "break_shrinkage_rate": ("shift_break_s", "scheduled_s"),
    "occupancy_rate": ("on_contact_s + acw_s", "available_s + on_contact_s + acw_s"),
    "attendance_rate": ("shifts_attended", "shifts_started"),
    "punctuality_rate": ("shifts_on_time", "shifts_attended"),
}
MF_METRICS = ["aht_s", "asa_s", "avg_first_response_s", "fcr_rate", "csat_avg", "csat_pct", "nps", "adherence_rate",
              "occupancy_rate", "final_conversion_rate", "contacts_owned"]


def _rollup(agent_daily: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    summed = [c for c in agent_daily.columns if c not in by and c not in RATES and c not in
              ("agent_id", "activity_date", "team", "site", "is_final", "month")]
    df = agent_daily.astype({c: float for c in summed})
    out = df.groupby(by, dropna=False)[summed].sum().reset_index()
    rates = {}
    for rate, (num, den) in RATES.items():
        d = out.eval(den)
        rates[rate] = (out.eval(num) / d.where(d != 0)).astype(float)
    # one concat, not a column inserted per rate (pandas warns the frame is fragmented)
    return pd.concat([out, pd.DataFrame(rates, index=out.index)], axis=1)


def _assert_frames_equal(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str], columns: list[str], name: str):
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_exp", "_act"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    assert unmatched.empty, f"{name}: keys differ\n{unmatched[keys + ['_merge']].head(10)}"
    problems = []
    for col in columns:
        for _, row in merged.iterrows():
            e, a = row[f"{col}_exp"], row[f"{col}_act"]
            e = None if pd.isna(e) else e
            a = None if pd.isna(a) else a
            if not close(e, a, rel=1e-9, abs_=1e-6):
                problems.append(f"{col} at {tuple(row[k] for k in keys)}: expected {e!r} got {a!r}")
    assert not problems, f"{name}: {len(problems)} mismatches\n" + "\n".join(problems[:30])


@pytest.fixture(scope="module")
def semantic_project(tmp_path_factory: pytest.TempPathFactory, demo_raw: Path, demo_warehouse: Path):
    project, wh = shared_project(tmp_path_factory, demo_raw, demo_warehouse)
    assert (project / "target" / "semantic_manifest.json").exists()
    return project, demo_raw, wh


def test_fct_team_daily_is_the_exact_rollup_of_fct_agent_daily(demo_con) -> None:
    agent_daily = demo_con.sql("select * from marts.fct_agent_daily").df()
    team_daily = demo_con.sql("select * from marts.fct_team_daily").df()
    expected = _rollup(agent_daily, ["team", "activity_date"])
    columns = [c for c in expected.columns if c not in ("team", "activity_date")]
    missing = set(columns) - set(team_daily.columns)
    assert not missing, f"fct_team_daily lacks {missing}"
    _assert_frames_equal(expected, team_daily[["team", "activity_date", *columns]], ["team", "activity_date"], columns, "fct_team_daily")


def test_mf_validate_configs(semantic_project) -> None:
    project, raw, wh = semantic_project
    proc = mf(project, ["validate-configs"], raw, wh)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "ERRORS: 0" in out and "Successfully validated" in out, out[-4000:]


def test_mf_team_month_kpis_equal_the_rollup_of_fct_agent_daily(semantic_project, demo_con, tmp_path: Path) -> None:
    project, raw, wh = semantic_project
    out = tmp_path / "team_month.csv"
    proc = mf(
        project,
        ["query", "--metrics", ",".join(MF_METRICS), "--group-by", "agent_day__team,metric_time__month", "--csv", str(out)],
        raw,
        wh,
    )
    assert proc.returncode == 0 and out.exists(), (proc.stdout + proc.stderr)[-4000:]
    answer = pd.read_csv(out)
    answer = answer.rename(columns={"agent_day__team": "team", "metric_time__month": "month"})
    answer["month"] = pd.to_datetime(answer["month"]).dt.to_period("M").astype(str)
    agent_daily = demo_con.sql("select * from marts.fct_agent_daily").df()
    agent_daily["month"] = pd.to_datetime(agent_daily["activity_date"]).dt.to_period("M").astype(str)
    expected = _rollup(agent_daily, ["team", "month"])
    expected["team"] = expected["team"].astype(object).where(expected["team"].notna(), None)
    answer["team"] = answer["team"].astype(object).where(answer["team"].notna(), None)
    _assert_frames_equal(expected[["team", "month", *MF_METRICS]], answer[["team", "month", *MF_METRICS]], ["team", "month"], MF_METRICS, "mf team x month")


def test_mf_queue_month_service_level_equals_the_rollup_of_fct_queue_daily(semantic_project, demo_con, tmp_path: Path) -> None:
    project, raw, wh = semantic_project
    out = tmp_path / "queue_month.csv"
    proc = mf(
        project,
        ["query", "--metrics", "service_level,abandonment_rate,queue_asa_s,queue_offered", "--group-by",
         "queue_day__queue,metric_time__month", "--csv", str(out)],
        raw,
        wh,
    )
    assert proc.returncode == 0 and out.exists(), (proc.stdout + proc.stderr)[-4000:]
    answer = pd.read_csv(out).rename(columns={"queue_day__queue": "queue", "metric_time__month": "month"})
    answer["month"] = pd.to_datetime(answer["month"]).dt.to_period("M").astype(str)
    q = demo_con.sql("select * from marts.fct_queue_daily").df()
    q["month"] = pd.to_datetime(q["activity_date"]).dt.to_period("M").astype(str)
    s = q.groupby(["queue", "month"])[["offered", "short_abandons", "answered_within_sl", "abandoned", "answer_wait_s_sum", "answered"]].sum().reset_index()
    den = (s["offered"] - s["short_abandons"]).astype(float)
    s["service_level"] = s["answered_within_sl"] / den.where(den != 0)
    s["abandonment_rate"] = s["abandoned"] / den.where(den != 0)
    s["queue_asa_s"] = s["answer_wait_s_sum"] / s["answered"].where(s["answered"] != 0)
    s["queue_offered"] = s["offered"]
    cols = ["service_level", "abandonment_rate", "queue_asa_s", "queue_offered"]
    _assert_frames_equal(s[["queue", "month", *cols]], answer[["queue", "month", *cols]], ["queue", "month"], cols, "mf queue x month")


HOLD_READ_ONLY = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("select count(*) from marts.fct_agent_daily").fetchone()
print("ready", flush=True)
time.sleep(300)
"""


def test_mf_query_works_beside_a_read_only_reader_with_the_reader_target(semantic_project, tmp_path: Path) -> None:
    """A dashboard holds a read-only connection: `mf query` on the reader target answers; on the
    read-write dev target DuckDB refuses the file (the control that shows the reader target matters)."""
    project, raw, wh = semantic_project
    holder = subprocess.Popen([sys.executable, "-c", HOLD_READ_ONLY, str(wh)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        args = ["query", "--metrics", "fcr_rate,contacts_owned", "--group-by", "metric_time__month"]
        out = tmp_path / "reader.csv"
        proc = mf(project, [*args, "--csv", str(out)], raw, wh, target="reader")
        assert proc.returncode == 0 and out.exists(), (proc.stdout + proc.stderr)[-3000:]
        assert len(pd.read_csv(out)) >= 1
        control = mf(project, [*args, "--csv", str(tmp_path / "dev.csv")], raw, wh)
        assert control.returncode != 0 or not (tmp_path / "dev.csv").exists()
    finally:
        holder.kill()
        holder.wait()


def test_ccw_kpis_query_equals_the_rollup_of_fct_agent_daily(demo_warehouse: Path, demo_con, tmp_path: Path) -> None:
    """`ccw kpis query` (the quick roll-up beside `mf query`) gives every catalogue KPI of the
    agent-day fact by team and month exactly as the pandas roll-up above (and so as mf)."""
    out = tmp_path / "team_month.csv"
    names = [*RATES, "contacts_owned"]
    proc = subprocess.run(
        [sys.executable, "-m", "ccw", "kpis", "query", "--kpis", ",".join(names), "--by", "agent_day__team,month",
         "--warehouse", str(demo_warehouse), "--csv", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0 and out.exists(), proc.stdout + proc.stderr
    answer = pd.read_csv(out)
    answer["month"] = pd.to_datetime(answer["month"]).dt.to_period("M").astype(str)
    agent_daily = demo_con.sql("select * from marts.fct_agent_daily").df()
    agent_daily["month"] = pd.to_datetime(agent_daily["activity_date"]).dt.to_period("M").astype(str)
    expected = _rollup(agent_daily, ["team", "month"])
    _assert_frames_equal(expected[["team", "month", *names]], answer[["team", "month", *names]], ["team", "month"], names, "ccw kpis query")


def test_ccw_kpis_query_by_queue_and_week_and_its_errors(demo_warehouse: Path, demo_con) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ccw", "kpis", "query", "--kpis", "service_level,queue_offered", "--by", "queue,week",
         "--from", "2026-03-02", "--to", "2026-03-15", "--warehouse", str(demo_warehouse)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [ln.split("|") for ln in proc.stdout.splitlines()[2:]]
    got = {(r[0].strip(), r[1].strip()): (float(r[2]), int(r[3])) for r in rows}
    q = demo_con.sql(
        "select queue, cast(date_trunc('week', activity_date) as date) as week, sum(answered_within_sl) as met, "
        "sum(offered) - sum(short_abandons) as base, sum(offered) as offered from marts.fct_queue_daily "
        "where activity_date between '2026-03-02' and '2026-03-15' group by all"
    ).fetchall()
    assert len(got) == len(q) > 0
    for queue, week, met, base, offered in q:
        level, n = got[(queue, str(week))]
        assert n == offered and abs(level - met / base) < 1e-6  # printed to 6 significant digits
    for args, message in [
        (["--kpis", "fcr_rate,service_level"], "mix agent-day and queue-day"),
        (["--kpis", "fcr_rate", "--by", "queue"], "cannot group agent_day KPIs by 'queue'"),
        (["--kpis", "no_such_kpi"], "unknown KPI or measure 'no_such_kpi'"),
    ]:
        bad = subprocess.run([sys.executable, "-m", "ccw", "kpis", "query", *args, "--warehouse", str(demo_warehouse)],
                             capture_output=True, text=True, timeout=300)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr, bad.stderr

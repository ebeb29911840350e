"""The benchmark's speed anchor computes the same thing as the warehouse: the
hand-written script (benchmarks/handwritten_kpis.sql) over a small simulated
folder gives the simulator's ground-truth agent-day and queue-day figures.
The full dbt benchmark itself is not run here (it takes minutes)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from ccw.bench.build import (
    _worker,
    compute_ratios,
    dbt_floor,
    dbt_node_timings,
    dbt_sql_seconds,
    empty_load_share,
    file_system,
    gil_floor,
    gil_seconds,
    median_run,
    record_repeats,
    render_handwritten_sql,
    render_report,
    run_handwritten,
    run_loads,
    split_last_day,
    split_statements,
    storage_decision,
    summary_record,
)
from ccw.errors import CcwError
from ccw.simulator import simulate_to_folder

# call figures the brief names, then every other ground-truth column the script also computes
CALL_FIGURES = ["calls_answered", "outbound_calls", "answer_wait_s_sum", "hold_s_sum"]


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # seed 1 with 8 agents has voice agents (answered calls) and chat agents
    out = tmp_path_factory.mktemp("bench") / "raw"
    simulate_to_folder(out, days=3, agents=8, seed=1)
    return out


@pytest.fixture(scope="module")
def handwritten_db(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("bench_db") / "handwritten.duckdb"
    result = run_handwritten(small_raw, db)
    assert result["seconds"] > 0
    assert {name for name, _ in result["statements"]} >= {"create fct_agent_daily", "create fct_queue_daily"}
    return db


def _merge(truth: pd.DataFrame, ours: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    truth = truth.copy()
    ours = ours.copy()
    for df in (truth, ours):
        df["activity_date"] = pd.to_datetime(df["activity_date"]).dt.date
        for k in keys:
            df[k] = df[k].astype(str)
    merged = truth.merge(ours, on=keys, how="left", suffixes=("_truth", "_ours"), indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    assert missing.empty, f"ground-truth rows missing from the script's output:\n{missing[keys].head()}"
    return merged


def _mismatches(merged: pd.DataFrame, columns: list[str]) -> dict[str, int]:
    bad = {}
    for col in columns:
        t = pd.to_numeric(merged[f"{col}_truth"]).astype(float)
        o = pd.to_numeric(merged[f"{col}_ours"]).astype(float)
        n = int(((t - o).abs() > 1e-3 + 1e-6 * t.abs()).sum())
        if n:
            bad[col] = n
    return bad


def test_the_untimed_parse_leaves_a_partial_parse_and_no_warehouse(small_raw: Path, tmp_path: Path) -> None:
    """Before a timed build the bench parses the project into that build's target
    folder (a dbt build selecting nothing): the timed build then starts from a
    partial parse, as `ccw build` does, and nothing else is left behind."""
    from ccw.warehouse.build import building_path

    warehouse, target, out = tmp_path / "models.duckdb", tmp_path / "target_models", tmp_path / "warm.json"
    _worker(["warm", str(small_raw), str(warehouse), str(target), str(tmp_path / "logs"), str(out)])
    assert json.loads(out.read_text())["seconds"] > 0
    assert (target / "partial_parse.msgpack").is_file()
    assert not warehouse.exists() and not building_path(warehouse).exists()


def test_handwritten_call_figures_equal_ground_truth(small_raw: Path, handwritten_db: Path) -> None:
    truth = pd.read_csv(small_raw / "_ground_truth" / "agent_daily.csv")
    assert set(CALL_FIGURES) <= set(truth.columns), "the simulated folder has no answered calls"
    assert truth["calls_answered"].sum() > 0 and truth["outbound_calls"].sum() > 0
    with duckdb.connect(str(handwritten_db), read_only=True) as con:
        ours = con.sql("select * from fct_agent_daily").df()
    merged = _merge(truth, ours, ["agent_id", "activity_date"])
    assert _mismatches(merged, CALL_FIGURES) == {}


def test_handwritten_matches_every_ground_truth_figure(small_raw: Path, handwritten_db: Path) -> None:
    with duckdb.connect(str(handwritten_db), read_only=True) as con:
        agent = con.sql("select * from fct_agent_daily").df()
        queue = con.sql("select * from fct_queue_daily").df()
    for name, ours, keys in (("agent_daily", agent, ["agent_id", "activity_date"]),
                             ("queue_daily", queue, ["queue", "activity_date"])):
        truth = pd.read_csv(small_raw / "_ground_truth" / f"{name}.csv")
        columns = [c for c in truth.columns if c in ours.columns and c not in keys and c not in ("team", "site")]
        assert columns
        merged = _merge(truth, ours[keys + columns + (["team"] if "team" in truth.columns else [])], keys)
        assert _mismatches(merged, columns) == {}, name
        if "team" in truth.columns:
            assert (merged["team_truth"].astype(str) == merged["team_ours"].astype(str)).all()


def test_handwritten_counts_duplicates_and_rejects(small_raw: Path, handwritten_db: Path) -> None:
    counts = pd.read_csv(small_raw / "_ground_truth" / "entity_counts.csv").set_index("entity")
    with duckdb.connect(str(handwritten_db), read_only=True) as con:
        ours = con.sql("select * from row_counts").df().set_index("entity")
    for col in ("raw_rows", "duplicate_rows", "rejected_rows"):
        assert ours[col].astype(int).to_dict() == counts.loc[ours.index, col].astype(int).to_dict(), col


def test_render_and_split(small_raw: Path) -> None:
    sql = render_handwritten_sql(small_raw)
    assert "${" not in sql and str(small_raw.resolve()) in sql and "raw_csv(" in sql
    statements = split_statements(sql)
    assert len(statements) > 30 and not any(s.lstrip().startswith("--") for s in statements)
    with pytest.raises(CcwError):
        render_handwritten_sql(small_raw / "nope")


def test_split_last_day_holds_back_only_the_last_days_files(small_raw: Path, tmp_path: Path) -> None:
    day, held = split_last_day(small_raw, tmp_path / "inc")
    assert day == "2026-03-03"
    assert held and all(src.stem == day and not dst.exists() for src, dst in held)
    kept = list((tmp_path / "inc").rglob("*.csv"))
    assert kept and all(p.stem != day for p in kept)
    assert not (tmp_path / "inc" / "_ground_truth").exists()


def test_report_ratios_and_dbt_profile(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "run_results.json").write_text(json.dumps({"elapsed_time": 9.0, "results": [
        {"unique_id": "model.contact_center.int_messages_sessionized", "execution_time": 5.0},
        {"unique_id": "test.contact_center.not_null_x", "execution_time": 1.0},
    ]}))
    prof = dbt_node_timings(target)
    assert prof["nodes"][0][0].endswith("int_messages_sessionized") and prof["by_type"]["test"] == [1, 1.0]
    fig = {"cores": 2, "memory": 24 * 2**30, "fmt": "csv", "finished_at": "2026-01-01 00:00",
           "raw": {"files": 10, "bytes": 2**20, "days": 3, "agents": 8, "seed": 1},
           "row_counts": {"messaging__messages": 100, "telephony__calls": 10},
           "handwritten_s": 10.0, "full_s": 12.0, "incremental_s": 1.0, "full_peak_rss": 5 * 10**9,
           "dbt_profile": prof, "handwritten_statements": [["create events", 3.0]]}
    rows = compute_ratios(fig)
    assert rows[0][1:] == ("1.20x", "<= 1.5x", "met")
    assert rows[1][3] == "MISSED" and rows[2][1] == "8.3 %" and rows[2][3] == "MISSED"
    report = render_report(fig)
    assert "2 cores" in report and "int_messages_sessionized" in report and "create events" in report
    assert "fixed cost" not in report and "working folder on" not in report

    # issue 17's share: dbt's fixed start-up/parse cost, measured on its own, left out of both sides
    fig.update(dbt_fixed_s=0.5, incremental_copy_s=0.25, published_bytes=3 * 2**30, work_fs="btrfs")
    rows = compute_ratios(fig)
    assert rows[2][0].endswith("(work: dbt's fixed cost left out of both)")
    assert rows[2][1:] == ("4.3 %", "<= 5%", "met")  # (1.0 - 0.5) / (12.0 - 0.5)
    report = render_report(fig)
    assert "| dbt's fixed cost per invocation (start-up and parse: a build selecting nothing) | 0.5 s |" in report
    assert "| of which copying the published file to the side file (3.00 GiB) | 0.2 s |" in report
    assert "; working folder on btrfs." in report

    # issue 17 sets the 1.5x target on the build of models only: measured, it takes the
    # target row, and the build with its tests follows for information
    fig.update(models_s=14.0, models_cpu_s=20.0, models_peak_rss=3 * 10**9, full_cpu_s=30.0, handwritten_cpu_s=10.0)
    rows = compute_ratios(fig)
    assert rows[0] == ("full build, models only / hand-written script", "1.40x", "<= 1.5x", "met")
    assert rows[1][3] == "MISSED" and rows[2][1:] == ("4.3 %", "<= 5%", "met")
    assert rows[3] == ("full build with data and unit tests / hand-written script", "1.20x", "(no target)", "")
    report = render_report(fig)
    assert "| full build, models only (the same, data and unit tests excluded) | 14.0 s | 20.0 s | 2.79 GiB |" in report
    assert "models only / hand-written 2.00x, full / hand-written 3.00x" in report
    assert file_system(tmp_path) not in (None, "")  # this machine's own, whatever it is


def _sql_event(invocation: str, uid: str | None, elapsed: float, msg: str = "") -> str:
    data = {"elapsed": elapsed, "status": "OK"}
    if uid:
        data["node_info"] = {"unique_id": uid}
    return json.dumps({"data": data, "info": {"name": "SQLQueryStatus", "invocation_id": invocation,
                                              "msg": msg or f"SQL status: OK in {elapsed} seconds"}})


def test_load_node_time_splits_into_sql_and_dbts_own_work(tmp_path: Path) -> None:
    """dbt's query events give each node's time inside SQL; the rest of its execution time is
    dbt's own work. That own work over the load's threads, against the full build's work, is
    the floor under the day's share that the report states."""
    target, logs = tmp_path / "target", tmp_path / "logs"
    target.mkdir()
    logs.mkdir()
    model, test = "model.contact_center.base_messaging__messages", "test.contact_center.primary_key_x"
    (target / "run_results.json").write_text(json.dumps({
        "metadata": {"invocation_id": "load-1"}, "elapsed_time": 5.0, "results": [
            {"unique_id": "operation.contact_center.on-run-start-1", "execution_time": 0.5, "thread_id": "main"},
            {"unique_id": model, "execution_time": 4.0, "thread_id": "Thread-1 (worker)"},
            {"unique_id": test, "execution_time": 2.0, "thread_id": "Thread-2 (worker)"},
        ]}))
    # the timings file also holds an earlier invocation and adapter queries of no node (the
    # connection's own)
    (logs / "sql-timings.jsonl").write_text("\n".join([
        _sql_event("full-0", model, 100.0, msg="a query that names load-1 in its text"),
        _sql_event("load-1", model, 1.25),
        "not json at all SQLQueryStatus load-1",
        _sql_event("load-1", model, 1.5),
        _sql_event("load-1", test, 0.5),
        _sql_event("load-1", None, 9.0),
        json.dumps({"data": {"elapsed": 7.0, "node_info": {"unique_id": test}},
                    "info": {"name": "SQLQuery", "invocation_id": "load-1"}}),
    ]) + "\n")
    assert dbt_sql_seconds(logs, "load-1") == {model: 2.75, test: 0.5}
    prof = dbt_node_timings(target, logs)
    assert prof["threads"] == 2, "the hooks' main thread is not one of dbt's worker threads"
    assert prof["sql_by_type"] == {"model": 2.75, "test": 0.5}
    # node time 6.5 s, of it 3.25 s in SQL: 3.25 s of dbt's own work, 1.625 s over 2 threads;
    # the full build's work is 20 - 4 = 16 s
    fig = {"cores": 2, "memory": 2**30, "fmt": "csv", "finished_at": "2026-01-01 00:00", "raw": {"files": 1, "bytes": 1},
           "row_counts": {}, "full_s": 20.0, "dbt_fixed_s": 4.0, "incremental_s": 8.0,
           "dbt_profile": {"nodes": [], "by_type": {"model": [1, 30.0]}, "sql_by_type": {"model": 26.0}},
           "incremental_profile": prof}
    assert dbt_floor(fig) == pytest.approx(3.25 / 2 / 16)
    report = render_report(fig)
    assert "full build 26.0 s inside SQL and 4.0 s of dbt's own work" in report
    assert "one day's load 3.2 s inside SQL and 3.2 s of dbt's own work over 3 nodes" in report
    assert "spread evenly over the load's 2 threads, is 1.6 s of wall time: 10.2 % of the full build's work" in report
    record = summary_record(fig)
    assert (record["incremental_sql_s"], record["incremental_dbt_own_s"], record["full_dbt_own_s"]) == (3.25, 3.25, 4.0)
    assert record["incremental_dbt_floor_share"] == pytest.approx(0.1016, abs=1e-4)

    # a file that lacks part of the invocation (a node with no query) gives no split rather
    # than too little SQL
    (logs / "sql-timings.jsonl").write_text(_sql_event("load-1", test, 0.5) + "\n")
    assert dbt_sql_seconds(logs, "load-1") == {test: 0.5} and "sql_by_type" not in dbt_node_timings(target, logs)

    # without the log there is no split and no such line
    assert "sql_by_type" not in dbt_node_timings(target, tmp_path / "no_logs")
    fig["incremental_profile"] = dbt_node_timings(target)
    assert dbt_floor(fig) is None and "Inside SQL" not in render_report(fig)


def test_repeated_phases_count_by_their_medians() -> None:
    """--repeat N: the script and the models-only build run N times each; the medians
    stand for them (the target's ratio), the largest peak RSS, and every run is shown."""
    fig = {"cores": 2, "memory": 24 * 2**30, "fmt": "parquet", "finished_at": "2026-01-01 00:00", "load": {},
           "raw": {"files": 10, "bytes": 2**20, "days": 3, "agents": 8, "seed": 1}, "row_counts": {},
           "full_s": 30.0, "full_cpu_s": 50.0, "full_peak_rss": 3 * 10**9}
    record_repeats(fig, "handwritten", [{"s": 10.0, "cpu_s": 18.0, "peak_rss": 4 * 10**9},
                                        {"s": 14.0, "cpu_s": 25.0, "peak_rss": 5 * 10**9},
                                        {"s": 11.0, "cpu_s": 19.0, "peak_rss": 4 * 10**9}])
    record_repeats(fig, "models", [{"s": 16.0, "cpu_s": 30.0, "peak_rss": 2 * 10**9},
                                   {"s": 15.0, "cpu_s": 28.0, "peak_rss": 3 * 10**9},
                                   {"s": 19.0, "cpu_s": None, "peak_rss": 2 * 10**9}])
    assert (fig["handwritten_s"], fig["handwritten_cpu_s"], fig["handwritten_peak_rss"]) == (11.0, 19.0, 5 * 10**9)
    assert (fig["models_s"], fig["models_cpu_s"], fig["models_peak_rss"]) == (16.0, 29.0, 3 * 10**9)
    assert compute_ratios(fig)[0] == ("full build, models only / hand-written script", "1.45x", "<= 1.5x", "met")
    report = render_report(fig)
    assert "hand-written 10.0 / 14.0 / 11.0 s, models only 16.0 / 15.0 / 19.0 s" in report
    assert "run by run: 1.60x / 1.07x / 1.73x" in report
    assert "| hand-written SQL script (floor) | 11.0 s | 19.0 s |" in report
    record = summary_record(fig)
    assert record["handwritten_runs_s"] == [10.0, 14.0, 11.0] and record["models_runs_s"] == [16.0, 15.0, 19.0]

    # one run of each (the default) shows no such line and records no runs
    single = {k: v for k, v in fig.items() if not k.endswith("_runs")}
    assert "Repeated phases" not in render_report(single) and "models_runs_s" not in summary_record(single)


def _gil_stack(*frames: str, count: int, cli: bool = False) -> str:
    parent = 'process 10:"python -m ccw.bench.build dbt raw wh 0 t l out"'
    dbt = ('process 11:"/v/bin/python /v/bin/dbt build --project-dir /p"' if cli else
           'process 11:"/v/bin/python -m ccw.warehouse.dbt_child build --exclude-resource-type unit_test"')
    return ";".join([parent, dbt, *frames]) + f" {count}"


def test_the_loads_python_under_the_gil_is_read_from_py_spy(tmp_path: Path) -> None:
    """py-spy --gil samples the thread holding each process's GIL. The dbt process's samples on
    its pool's worker threads are the nodes' Python, split by what it does (the first matching
    frame: logging inside compiling is logging); its other threads are start-up and hooks;
    other processes (the benchmark's own worker) are not dbt's. At 100 samples a second."""
    worker = ["Thread._bootstrap (threading.py:1002)", "worker (multiprocessing/pool.py:125)",
              "GraphRunnableTask.call_runner (dbt/task/runnable.py:355)"]
    compile_ = "Compiler.compile_node (dbt/compilation.py:790)"
    raw = "\n".join([
        _gil_stack(*worker, compile_, "Compiler._compile_code (dbt/compilation.py:667)", count=300),
        _gil_stack(*worker, compile_, "fire_event (dbt_common/events/functions.py:150)", count=50),
        _gil_stack(*worker, "BaseRunner.run (dbt/task/base.py:1)", "root.<locals>.macro (<template>:5)", count=200),
        _gil_stack(*worker, "BaseRunner.safe_run (dbt/task/base.py:388)", count=20),
        _gil_stack(*worker, "BaseRunner.safe_run (dbt/task/base.py:388)", count=5, cli=True),  # a hand-run dbt
        _gil_stack(*worker[:2], "Queue.get (queue.py:171)", count=5),  # a worker between nodes
        _gil_stack("<module> (dbt:8)", "ManifestLoader.load (dbt/parser/manifest.py:560)", count=400),
        'process 10:"python -m ccw.bench.build dbt raw wh 0 t l out";<module> (build.py:1) 900',
        'process 12:"/v/bin/python -m some_other build"; worker (multiprocessing/pool.py:125) 70',
        "a line that is not a stack",
    ])
    gil = gil_seconds(raw)
    assert gil is not None
    assert gil["nodes_s"] == pytest.approx(5.8) and gil["outside_s"] == pytest.approx(4.0)
    assert gil["by_work"] == pytest.approx({"event logging": 0.5, "compiling": 3.0,
                                           "materialisation and test macros": 2.0, "the runner": 0.25,
                                           "other": 0.05})
    assert gil_seconds('process 10:"python x";<module> (x:1) 5') is None, "no dbt sample: no figures"

    # the worker part against the full build's work (minus dbt's fixed cost): the floor no
    # thread count lowers, in the report and the record
    fig = {"cores": 2, "memory": 2**30, "fmt": "csv", "finished_at": "2026-01-01 00:00", "raw": {"files": 1, "bytes": 1},
           "row_counts": {}, "full_s": 33.0, "dbt_fixed_s": 4.0, "incremental_s": 8.0,
           "incremental_profile": {"nodes": [["model.x.a", "model", 1.0]], "by_type": {"model": [1, 1.0]}},
           "incremental_gil": gil}
    assert gil_floor(fig) == pytest.approx(5.8 / 29.0)
    report = render_report(fig)
    assert "5.8 s on dbt's worker threads (event logging 0.5 s, compiling 3.0 s" in report
    assert "and 4.0 s outside its nodes" in report and ": 20.0 % of the full build's work (target 5 %)" in report
    record = summary_record(fig)
    assert (record["incremental_gil_nodes_s"], record["incremental_gil_floor_share"]) == (5.8, 0.2)
    fig.update(incremental_gil=None, incremental_gil_error="py-spy not found")
    assert "under the GIL (--gil-profile): not measured (py-spy not found)." in render_report(fig)
    assert "incremental_gil_nodes_s" not in summary_record(fig)


def test_repeated_loads_each_start_from_the_n_minus_1_warehouse(tmp_path: Path, monkeypatch) -> None:
    """--repeat N runs the day's load N times, each from the same N-1 warehouse (restored
    from a copy before every run after the first), and the run with the median time stands
    for it. Here a stand-in for the load appends to the warehouse file: every run must find
    the N-1 content. A run that changed other rows than the first stops the benchmark."""
    import ccw.bench.build as bench

    wh = tmp_path / "incremental.duckdb"
    wh.write_bytes(b"N-1 state")
    (tmp_path / "target_inc").mkdir()
    seen: list[bytes] = []
    seconds = iter([30.0, 20.0, 40.0])

    def fake_worker(label: str, args: list[str], **_: object) -> dict:
        seen.append(wh.read_bytes())
        wh.write_bytes(wh.read_bytes() + b" + the day")
        (tmp_path / "target_inc" / "run_results.json").write_text(json.dumps({"results": [], "elapsed_time": 1.0}))
        return {"seconds": next(seconds), "cpu_s": 1.0, "peak_rss": 1, "sampled_peak_rss": 2, "load_at_start": 0.5,
                "copy_s": float(len(seen))}

    rows = iter([100, 100, 100])
    monkeypatch.setattr(bench, "_run_worker", fake_worker)
    monkeypatch.setattr(bench, "load_window_rows", lambda _wh: next(rows))
    fig: dict = {"load": {}}
    runs, profiles, changed = run_loads(fig, wh, tmp_path / "raw", tmp_path, 3, False)
    assert seen == [b"N-1 state"] * 3
    assert [r["s"] for r in runs] == [30.0, 20.0, 40.0] and changed == [100, 100, 100]
    assert median_run(runs) == 0 and runs[median_run(runs)]["copy_s"] == 1.0 and len(profiles) == 3
    assert list(fig["load"]) == ["incremental", "incremental #2", "incremental #3"]
    assert (tmp_path / "target_inc" / "run_results.incremental.3.json").is_file()
    assert not (tmp_path / "incremental_n-1.duckdb").exists(), "the N-1 copy is removed"
    record_repeats(fig, "incremental", runs)
    fig["incremental_changed_rows"] = changed[0]
    assert fig["incremental_s"] == 30.0 and summary_record(fig)["incremental_runs_s"] == [30.0, 20.0, 40.0]
    assert summary_record(fig)["incremental_changed_rows"] == 100, "the load's size is recorded with its time"
    record_repeats(fig, "handwritten", [{"s": 10.0, "cpu_s": 1.0, "peak_rss": 1}] * 3)
    record_repeats(fig, "models", [{"s": 15.0, "cpu_s": 1.0, "peak_rss": 1}] * 3)
    fig.update(cores=2, memory=2**30, fmt="csv", finished_at="2026-01-01 00:00", row_counts={},
               raw={"files": 1, "bytes": 1}, full_s=50.0)
    assert ("One day's load, each run from the same N-1 warehouse: 30.0 / 20.0 / 40.0 s "
            "(of which the side-file copy 1.0 / 2.0 / 3.0 s)") in render_report(fig)

    # --gil-profile: one more load from the N-1 warehouse, under py-spy, not among the runs
    wh.write_bytes(b"N-1 state")
    seen.clear()
    seconds, rows = iter([30.0, 99.0]), iter([100])
    wraps: list = []

    def profiled_worker(label: str, args: list[str], wrap: list[str] | None = None, **kw: object) -> dict:
        wraps.append(wrap)
        if wrap:
            (tmp_path / "gil_profile.txt").write_text(_gil_stack("<module> (dbt:8)", count=120))
        return fake_worker(label, args, **kw)

    monkeypatch.setattr(bench, "_run_worker", profiled_worker)
    monkeypatch.setattr(bench, "py_spy", lambda: "/bin/py-spy")
    fig = {"load": {}}
    runs, _p, _c = run_loads(fig, wh, tmp_path / "raw", tmp_path, 1, False, gil_profile=True)
    assert seen == [b"N-1 state"] * 2 and [r["s"] for r in runs] == [30.0]
    assert wraps[0] is None and wraps[1][:4] == ["/bin/py-spy", "record", "--gil", "--subprocesses"]
    assert fig["incremental_gil"]["outside_s"] == 1.2 and fig["incremental_gil_error"] is None
    assert not (tmp_path / "incremental_n-1.duckdb").exists()

    # a profiler that cannot run costs only its own line
    def failing_profiler(label: str, args: list[str], wrap: list[str] | None = None, **kw: object) -> dict:
        if wrap:
            raise CcwError("incremental build under py-spy failed: Permission denied (os error 1)")
        return fake_worker(label, args, **kw)

    monkeypatch.setattr(bench, "_run_worker", failing_profiler)
    seconds, rows = iter([30.0]), iter([100])
    fig = {"load": {}}
    runs, _p, _c = run_loads(fig, wh, tmp_path / "raw", tmp_path, 1, False, gil_profile=True)
    assert len(runs) == 1 and fig["incremental_gil"] is None and "Permission denied" in fig["incremental_gil_error"]
    monkeypatch.setattr(bench, "_run_worker", fake_worker)

    # a run that changed other rows did not start from the N-1 warehouse
    wh.write_bytes(b"N-1 state")
    seen.clear()
    seconds, rows = iter([30.0, 20.0]), iter([100, 90])
    with pytest.raises(CcwError, match="changed 90 rows, the first 100"):
        run_loads({"load": {}}, wh, tmp_path / "raw", tmp_path, 2, False)


def test_repeat_takes_one_to_nine_runs() -> None:
    from ccw.bench.build import build
    from click.testing import CliRunner

    result = CliRunner().invoke(build, ["--repeat", "0", "--results", "-"])
    assert result.exit_code == 2 and "--repeat" in result.output
    assert "--repeat INTEGER RANGE" in CliRunner().invoke(build, ["--help"]).output


def test_nodes_fall_into_their_layer_and_runs_chart_by_size(tmp_path: Path) -> None:
    from ccw.bench.build import LAYERS, layer_of, layer_seconds
    from ccw.bench.chart import newest_runs, scaling_chart, scaling_table

    assert layer_of("model.contact_center.base_messaging__messages_parsed") == LAYERS[0]
    assert layer_of("model.contact_center.base_messaging__messages") == LAYERS[1]
    assert layer_of("model.contact_center.stg_crm__agents") == LAYERS[2]
    assert layer_of("model.contact_center.int_messages_sessionized") == LAYERS[3]
    assert layer_of("model.contact_center.fct_agent_daily") == layer_of("model.contact_center.dim_date") == "marts"
    assert layer_of("test.contact_center.unique_fct_contacts_contact_id.abc") == "data tests"
    assert layer_of("unit_test.contact_center.fct_agent_daily.some_case") == "unit tests"
    assert layer_of("operation.contact_center.contact_center-on-run-start-0") == "other"
    seconds = layer_seconds({"nodes": [("model.p.base_x_parsed", "model", 2.0), ("model.p.base_x", "model", 3.0),
                                       ("model.p.base_y_parsed", "model", 1.5), ("test.p.t.1", "test", 0.25)]})
    assert seconds[LAYERS[0]] == 3.5 and seconds[LAYERS[1]] == 3.0 and seconds["data tests"] == 0.25
    assert seconds["marts"] == 0.0 and set(seconds) == set(LAYERS)

    def run(days: int, full: float, when: str, fmt: str = "parquet") -> dict:
        return {"finished_at": when, "days": days, "agents": 300, "format": fmt, "raw_rows": days * 1000,
                "handwritten_s": full / 4, "full_s": full, "incremental_s": full / 10,
                "full_layers_s": {**dict.fromkeys(LAYERS, 0.0), "marts": full / 2}}

    records = [run(90, 100.0, "1"), run(30, 40.0, "2"), run(90, 120.0, "3"), run(365, 400.0, "4"), {"days": "?"}]
    runs = newest_runs(records)
    assert [(r["days"], r["full_s"]) for r in runs] == [(30, 40.0), (90, 120.0), (365, 400.0)]  # newest per size
    table = scaling_table(runs)
    row90 = next(ln for ln in table.splitlines() if ln.startswith("| parquet | 90 |"))
    assert "| 30.0 s | 120.0 s | 4.00x | 12.0 s | 10.0 % |" in row90 and "| 60.0 |" in row90
    out = tmp_path / "scaling.html"
    scaling_chart(runs).save(str(out))
    html = out.read_text()
    assert "vega" in html and "time per layer" in html and LAYERS[0] in html


def test_both_formats_side_by_side_and_no_reuse_of_one_folder(small_raw: Path) -> None:
    from ccw.bench.build import build, render_formats
    from click.testing import CliRunner

    table = render_formats({"csv": {"handwritten_s": 10.0, "full_s": 25.0, "incremental_s": 5.0},
                            "parquet": {"handwritten_s": 8.0, "full_s": 20.0}})
    lines = table.strip().splitlines()
    assert lines[2] == "| csv | 10.0 s | 25.0 s | 2.50x | 5.0 s | 20.0 % |"
    assert lines[3] == "| parquet | 8.0 s | 20.0 s | 2.50x | - | - |"

    result = CliRunner().invoke(build, ["--format", "both", "--reuse-raw", str(small_raw), "--results", "-"])
    assert result.exit_code != 0 and isinstance(result.exception, CcwError)
    assert "--format both" in str(result.exception)


def test_a_load_with_no_new_files_is_reported_beside_the_days_load() -> None:
    """The load run again with no new files is counted as the day's load is (dbt's fixed
    cost left out of both sides): here (9 - 4) / (50 - 4) = 10.9 % of the full build's
    work and (9 - 4) / (14 - 4) = 50 % of the day's load's; absent, the report says nothing."""
    fig = {"cores": 2, "memory": 2**30, "fmt": "csv", "finished_at": "2026-01-01 00:00", "load": {},
           "raw": {"files": 1, "bytes": 1}, "row_counts": {}, "handwritten_s": 40.0, "full_s": 50.0,
           "dbt_fixed_s": 4.0, "incremental_s": 14.0,
           "incremental_profile": {"nodes": [["model.contact_center.fct_contacts", "model", 1.0]],
                                   "by_type": {"model": [1, 1.0]}, "elapsed": 8.0}}
    assert empty_load_share(fig) is None and "no new files" not in render_report(fig)
    fig.update(empty_load_s=9.0, empty_load_cpu_s=12.0, empty_load_peak_rss=2**30, empty_load_changed_rows=0,
               empty_load_elapsed_s=6.5)
    assert round(empty_load_share(fig), 4) == 0.1087
    report = render_report(fig)
    assert "| a load with no new files (the same nodes, nothing new to read) | 9.0 s | 12.0 s | 1.00 GiB |" in report
    assert ("no staging rows changed) took 9.0 s (dbt's elapsed 6.5 s): its work is 10.9 % of the full build's "
            "work, 50 % of the day's load's") in report
    record = summary_record(fig)
    assert record["empty_load_s"] == 9.0 and record["empty_load_share"] == 0.1087
    assert record["empty_load_changed_rows"] == 0


def test_the_days_load_says_whether_it_compacted_storage(tmp_path: Path) -> None:
    """The storage_compaction hook's decision (macros/storage.sql) is read from the load's
    dbt.log (the last invocation's line) and quoted in the report; without one, nothing."""
    logs = tmp_path / "logs_inc"
    logs.mkdir()
    assert storage_decision(logs) is None
    (logs / "dbt.log").write_text(
        "10:00:00.1 [info ] [MainThread]: storage: compacting; most deleted rows: marts.fct_contacts 31.0 % "
        "(compacts from 25 %)\n10:00:00.2 [info ] [MainThread]: Concurrency: 2 threads\n"
        "10:05:00.1 [info ] [MainThread]: storage: not compacting; most deleted rows: none 0.0 % "
        "(compacts from 25 %)\n10:05:01.0 [debug] [MainThread]: set global max_vacuum_tasks = 0\n")
    decision = storage_decision(logs)
    assert decision == "storage: not compacting; most deleted rows: none 0.0 % (compacts from 25 %)"
    fig = {"cores": 2, "memory": 2**30, "fmt": "csv", "finished_at": "2026-01-01 00:00", "load": {},
           "raw": {"files": 1, "bytes": 1}, "row_counts": {}, "handwritten_s": 40.0, "full_s": 50.0,
           "dbt_fixed_s": 4.0, "incremental_s": 14.0,
           "incremental_profile": {"nodes": [["model.contact_center.fct_contacts", "model", 1.0]],
                                   "by_type": {"model": [1, 1.0]}, "elapsed": 8.0}}
    assert "logged `storage:" not in render_report(fig)
    fig["incremental_storage"] = decision
    assert f"The day's load logged `{decision}`." in render_report(fig)
    assert summary_record(fig)["incremental_storage"] == decision

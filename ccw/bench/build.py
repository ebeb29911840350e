"""`ccw bench build`: how fast is the warehouse build, against a hand-written floor?

Phases (each one a line on stderr while it runs):

1. simulate a raw folder (default a year of a 300-agent centre: ~10 M chat
   messages, ~1 M call legs), or reuse one (`--reuse-raw DIR`);
2. the hand-written anchor `benchmarks/handwritten_kpis.sql`: the same KPIs in
   one plain DuckDB SQL script on one connection, in a fresh database file;
3. a full `dbt build` through `ccw.warehouse.build.publish_build(full_refresh=True)`,
   then the same build of models only (seeds, models and their hooks: data and
   unit tests excluded), the figure issue 17 sets the 1.5x target on; with
   `--repeat N` the script and the models-only build then run again,
   alternately, until each has run N times, and their medians count. Before
   the first timed build of each, an untimed build selecting nothing parses
   the project into that build's target folder, so that every timed build
   starts from a partial parse, as `ccw build` does day after day;
4. one day's incremental build: a full build over the first N-1 days' files,
   then the last day's files are added and a normal (not full-refresh)
   `publish_build` runs; its time is the incremental figure. With
   `--repeat N` the load runs N times, each from a copy of the same N-1
   warehouse (restored untimed), and its median counts: one load is a few
   seconds of work, and one run's share moved by several points between
   runs of the same code. Every run must change the same rows
   (int_load_window), or the benchmark stops. Then the load runs once more on
   the warehouse it left, with no new files: the same nodes with nothing new
   to read, the part of a load's cost that does not shrink with the day
   (`empty_load_line`).

Every measured phase runs in a child Python process, so that its peak memory
is the kernel's high-water mark of that process tree (`ru_maxrss` of the
worker for the script, of dbt's process for the builds), cross-checked by
sampling the tree's RSS with psutil. The figures, the three ratios against
the targets (below), the ten slowest dbt nodes (`run_results.json`) and the
script's slowest statements are printed and appended to the results file
together with the date and the machine's cores and memory. The time of each
query dbt ran (dbt_child's SQL timings) splits the node time of the full build
and of the load into time inside SQL and dbt's own per-node work
(`dbt_sql_seconds`); the load's own work over its threads, against the full
build's work, is reported as a floor under the day's share that no faster SQL
can go below with the same nodes. `--gil-profile` runs one more load under
py-spy and reports the seconds dbt's Python held the GIL in its nodes
(`gil_seconds`): Python runs one thread at a time, so that floor holds
whatever the thread count.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import click

from ccw.errors import CcwError
from ccw.paths import ENTITY_DIRS, PROJECT_ROOT, file_day, raw_files, resolve
from ccw.warehouse.dbt_child import SQL_TIMINGS_NAME

HANDWRITTEN_SQL = PROJECT_ROOT / "benchmarks" / "handwritten_kpis.sql"
DEFAULT_RESULTS = "benchmarks/results.md"
# targets (issue 17): full build <= 1.5 x the hand-written script, peak RSS <= 4 GB, incremental day <= 5 % of the full build
TARGET_FULL_RATIO = 1.5
TARGET_PEAK_RSS_BYTES = 4 * 10**9
TARGET_INCREMENTAL_SHARE = 0.05


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


# -- the hand-written script -------------------------------------------------------------------------


def detect_format(raw_dir: Path) -> str:
    """csv or parquet, from the files of the raw folder (the script reads one format)."""
    exts = {p.suffix.lower() for d in ENTITY_DIRS for p in (Path(raw_dir) / d).glob("*.*")}
    if ".csv" in exts and ".parquet" in exts:
        raise CcwError("the raw folder mixes CSV and Parquet files", str(raw_dir),
                       "the hand-written benchmark script reads one format; use a simulated folder")
    if ".parquet" in exts:
        return "parquet"
    if ".csv" in exts:
        return "csv"
    raise CcwError("the raw folder holds no CSV or Parquet files", str(raw_dir), "simulate one with `ccw simulate --out DIR`")


def render_handwritten_sql(raw_dir: Path, fmt: str | None = None, sql_path: Path = HANDWRITTEN_SQL) -> str:
    """The script with `${RAW_DIR}` and `${FMT}` substituted."""
    raw = Path(raw_dir).resolve()
    fmt = fmt or detect_format(raw)
    if fmt not in ("csv", "parquet"):
        raise CcwError(f"unknown raw format {fmt!r}", "bench build", "use csv or parquet")
    if "'" in str(raw):
        raise CcwError("the raw folder path contains a quote", str(raw), "use a path without quotes")
    try:
        text = Path(sql_path).read_text()
    except OSError as exc:
        raise CcwError(f"cannot read the hand-written script: {exc.strerror}", str(sql_path), "restore benchmarks/") from exc
    return text.replace("${RAW_DIR}", str(raw)).replace("${FMT}", fmt)


def split_statements(sql: str) -> list[str]:
    """The script's statements (comment lines dropped; every statement ends with `;` at a line end)."""
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in re.split(r";\s*\n", "\n".join(lines) + "\n") if s.strip()]


def statement_label(statement: str) -> str:
    first = statement.splitlines()[0]
    m = re.match(r"(create (?:or replace )?(?:table|macro)|insert into|set)\s+(\S+)", first, re.I)
    return f"{m.group(1).split()[0].lower()} {m.group(2)}" if m else first[:60]


def run_handwritten(raw_dir: Path, db_path: Path, fmt: str | None = None, progress: bool = False) -> dict[str, Any]:
    """Run the script in a fresh DuckDB file on one connection; per-statement seconds."""
    import duckdb

    db_path = Path(db_path)
    for p in (db_path, db_path.with_name(db_path.name + ".wal")):
        if p.exists():
            p.unlink()
    statements = split_statements(render_handwritten_sql(raw_dir, fmt))
    timings: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    con = duckdb.connect(str(db_path))
    try:
        for i, statement in enumerate(statements, 1):
            if progress:
                _say(f"statement {i}/{len(statements)}: {statement_label(statement)}")
            s0 = time.perf_counter()
            try:
                con.execute(statement)
            except duckdb.Error as exc:
                msg = str(exc).splitlines()[0]
                raise CcwError(f"hand-written script failed at `{statement_label(statement)}`: {msg}",
                               str(HANDWRITTEN_SQL), "fix the script or the raw folder") from exc
            timings.append((statement_label(statement), time.perf_counter() - s0))
        con.execute("checkpoint")
    finally:
        con.close()
    return {"seconds": time.perf_counter() - t0, "statements": timings}


# -- child processes and memory ----------------------------------------------------------------------


def _rss_tree(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return 0


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def _run_worker(label: str, args: list[str], heartbeat_s: float = 30.0, stream: bool = False,
                wrap: list[str] | None = None) -> dict[str, Any]:
    """Run `python -m ccw.bench.build <args>` (a phase), sample its tree's RSS, return its JSON result.
    wrap: a command the phase runs under (a profiler)."""
    out = Path(tempfile.mkstemp(prefix="ccw-bench-", suffix=".json")[1])
    load0 = _load()
    cmd = [*(wrap or []), sys.executable, "-m", "ccw.bench.build", *args, str(out)]
    env = dict(os.environ, DO_NOT_TRACK="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    lines: list[str] = []

    def _pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if stream:
                sys.stderr.write(line)

    reader = threading.Thread(target=_pump, daemon=True)
    reader.start()
    next_beat = t0 + heartbeat_s
    while proc.poll() is None:
        peak = max(peak, _rss_tree(proc.pid))
        now = time.perf_counter()
        if now >= next_beat:
            last = re.sub(r"\x1b\[[0-9;]*m", "", next((ln.strip() for ln in reversed(lines) if ln.strip()), ""))
            _say(f"  ... {label}: {now - t0:,.0f} s, memory now {_rss_tree(proc.pid) / 2**30:.2f} GiB"
                 + (f" ({last[:80]})" if last and not stream else ""))
            next_beat = now + heartbeat_s
        time.sleep(0.25)
    reader.join(timeout=5)
    wall = time.perf_counter() - t0
    try:
        result = json.loads(out.read_text()) if out.stat().st_size else {}
    except (OSError, ValueError):
        result = {}
    finally:
        out.unlink(missing_ok=True)
    if proc.returncode != 0 or "error" in result or not result:
        detail = result.get("error") or next((ln.strip() for ln in reversed(lines) if ln.strip()), "no output")
        raise CcwError(f"{label} failed: {detail[:500]}", "bench build", "see the output above; rerun with --verbose")
    result["sampled_peak_rss"] = peak
    result["process_seconds"] = wall
    result["load_at_start"] = load0
    return result


def _record_phase(fig: dict[str, Any], key: str, load_label: str, res: dict[str, Any]) -> dict[str, Any]:
    """Keep a measured phase's figures in `fig`: `<key>_s`, `<key>_cpu_s`, `<key>_peak_rss`
    (the larger of the kernel's high-water mark and the sampled tree RSS), and the load
    average at its start under `load_label`. Returns them as one run of record_repeats."""
    fig["load"][load_label] = res["load_at_start"]
    fig[f"{key}_s"] = res["seconds"]
    fig[f"{key}_cpu_s"] = res.get("cpu_s")
    fig[f"{key}_peak_rss"] = max(res["peak_rss"], res["sampled_peak_rss"])
    return {"s": fig[f"{key}_s"], "cpu_s": fig[f"{key}_cpu_s"], "peak_rss": fig[f"{key}_peak_rss"]}


def record_repeats(fig: dict[str, Any], key: str, runs: list[dict[str, Any]]) -> None:
    """A phase run several times (`--repeat`): each run's `s`, `cpu_s` and `peak_rss` are
    kept as `<key>_runs`; the median wall and CPU time stand for the phase, and its peak
    RSS is the largest of the runs."""
    fig[f"{key}_runs"] = list(runs)
    fig[f"{key}_s"] = statistics.median(r["s"] for r in runs)
    cpus = [r["cpu_s"] for r in runs if r.get("cpu_s") is not None]
    fig[f"{key}_cpu_s"] = statistics.median(cpus) if cpus else None
    fig[f"{key}_peak_rss"] = max(r["peak_rss"] for r in runs)


def _cpu_seconds(who: int) -> float:
    import resource

    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def _maxrss_bytes(who: int) -> int:
    import resource

    kb = resource.getrusage(who).ru_maxrss
    return kb if sys.platform == "darwin" else kb * 1024


def _worker(argv: list[str]) -> None:
    """Entry of a measured phase: `handwritten RAW DB FMT OUT` or `dbt RAW WAREHOUSE FULL TARGET LOG OUT`
    (FULL: 1 a full refresh, 0 an incremental load, models a full refresh without data and unit tests)."""
    import resource

    out = Path(argv[-1])
    try:
        if argv[0] == "handwritten":
            _, raw, db, fmt, _out = argv
            res = run_handwritten(Path(raw), Path(db), fmt, progress=True)
            res["peak_rss"] = _maxrss_bytes(resource.RUSAGE_SELF)
            res["cpu_s"] = _cpu_seconds(resource.RUSAGE_SELF)
        elif argv[0] == "dbt":
            from ccw.warehouse.build import publish_build

            _, raw, warehouse, full, target, log, _out = argv
            os.environ["CCW_DBT_SQL_TIMINGS"] = str(Path(log) / SQL_TIMINGS_NAME)  # dbt_sql_seconds
            t0 = time.perf_counter()
            timings: dict[str, float] = {}
            models_only = full == "models"
            publish_build(Path(raw), Path(warehouse), ["--exclude-resource-type", "test"] if models_only else None,
                          full_refresh=full in ("1", "models"), unit_tests=False if models_only else None,
                          stream=True,  # the parent shows it (--verbose) or its last line in the heartbeat
                          target_path=Path(target), log_path=Path(log), timings=timings)
            res = {"seconds": time.perf_counter() - t0, "copy_s": timings.get("copy_s"),
                   "peak_rss": _maxrss_bytes(resource.RUSAGE_CHILDREN),
                   "cpu_s": _cpu_seconds(resource.RUSAGE_CHILDREN),
                   "worker_rss": _maxrss_bytes(resource.RUSAGE_SELF)}
        elif argv[0] in ("fixed", "warm"):
            _, raw, warehouse, target, log, _out = argv
            res = {"seconds": dbt_fixed_seconds(Path(raw), Path(warehouse), Path(target), Path(log),
                                                runs=2 if argv[0] == "fixed" else 1)}
        else:
            raise CcwError(f"unknown benchmark phase {argv[0]!r}")
    except CcwError as exc:
        out.write_text(json.dumps({"error": exc.one_line()}))
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - reported as one line by the parent
        out.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        sys.exit(1)
    out.write_text(json.dumps(res))


def _warm_parse(raw: Path, warehouse: Path, target: Path, log: Path) -> None:
    """Parse the project into `target` before a timed build (an untimed build selecting
    nothing, as publish_build runs dbt): every timed build then starts from a partial
    parse, as `ccw build` does from target/ccw-build day after day. Without it the first
    build of a phase paid a full parse (~5 s more at year scale) and its repeats did not."""
    _run_worker("dbt parse (untimed)", ["warm", str(raw), str(warehouse), str(target), str(log)])


def dbt_fixed_seconds(raw: Path, warehouse: Path, target: Path, log: Path, runs: int = 2) -> float:
    """dbt's fixed cost per invocation: start-up and (partial) parsing, a `dbt build`
    that selects nothing, run as `publish_build` runs dbt (same profile path, the side
    file's, and target folder, so the same partial parse). The fastest of `runs`."""
    from ccw.warehouse.build import building_path
    from ccw.warehouse.dbt import run_dbt

    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        run_dbt(["build", "--select", "tag:ccw_bench_selects_nothing"], raw, building_path(warehouse),
                target_path=target, log_path=log, stream=False)
        best = min(best, time.perf_counter() - t0)
    building_path(warehouse).unlink(missing_ok=True)  # nothing was built; nothing is left behind
    return best


# -- raw folders ------------------------------------------------------------------------------------


def last_day(raw_dir: Path) -> str:
    days = sorted({file_day(p) for p in raw_files(raw_dir)} - {""})
    if len(days) < 2:
        raise CcwError("the incremental benchmark needs at least 2 days of files", str(raw_dir), "simulate --days 2 or more")
    return days[-1]


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def split_last_day(raw_dir: Path, dst: Path) -> tuple[str, list[tuple[Path, Path]]]:
    """Link every file except the last day's into dst; return the day and the held-back (src, dst) pairs."""
    raw_dir = Path(raw_dir)
    if dst.exists():
        shutil.rmtree(dst)
    day = last_day(raw_dir)
    held: list[tuple[Path, Path]] = []
    for src in raw_files(raw_dir):
        target = dst / src.relative_to(raw_dir)
        if file_day(src) == day:
            held.append((src, target))
        else:
            _link(src, target)
    for d in ENTITY_DIRS:  # keep empty entity folders
        (dst / d).mkdir(parents=True, exist_ok=True)
    return day, held


def raw_summary(raw_dir: Path) -> dict[str, Any]:
    files = raw_files(raw_dir)
    info: dict[str, Any] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    manifest = Path(raw_dir) / "_ground_truth" / "manifest.json"
    if manifest.exists():
        try:
            m = json.loads(manifest.read_text())
            params = m.get("parameters") if isinstance(m.get("parameters"), dict) else m
            info.update({k: params[k] for k in ("days", "agents", "seed", "fmt", "start") if params.get(k) is not None})
        except ValueError:
            pass
    if "days" not in info:  # a folder simulated with --no-ground-truth: its days are its files' days
        days = {file_day(p) for p in files} - {""}
        if days:
            info["days"] = len(days)
    return info


# -- dbt's own profile ------------------------------------------------------------------------------


def dbt_node_timings(target_path: Path, log_path: Path | None = None) -> dict[str, Any]:
    """Per-node execution times from run_results.json, summed by resource type. With the
    invocation's log folder (`log_path`), also the seconds each resource type spent inside SQL
    (`sql_by_type`, dbt_sql_seconds) and the number of dbt threads that ran nodes."""
    path = Path(target_path) / "run_results.json"
    if not path.exists():
        return {"nodes": [], "by_type": {}, "elapsed": None}
    data = json.loads(path.read_text())
    nodes = []
    by_type: dict[str, list[float]] = {}
    threads = set()
    for r in data.get("results", []):
        uid = r.get("unique_id", "")
        kind = uid.split(".", 1)[0]
        t = float(r.get("execution_time") or 0.0)
        nodes.append((uid, kind, t))
        agg = by_type.setdefault(kind, [0, 0.0])
        agg[0] += 1
        agg[1] += t
        if r.get("thread_id") and r["thread_id"] != "main":  # hooks run on dbt's main thread
            threads.add(r["thread_id"])
    nodes.sort(key=lambda x: -x[2])
    profile: dict[str, Any] = {"nodes": nodes, "by_type": by_type, "elapsed": data.get("elapsed_time"),
                               "threads": len(threads) or None}
    invocation = (data.get("metadata") or {}).get("invocation_id")
    if log_path is not None and invocation:
        sql = dbt_sql_seconds(Path(log_path), invocation)
        # every model and data test runs SQL: one without any means the timings file lacks
        # part of the invocation (a dbt not run by dbt_child with CCW_DBT_SQL_TIMINGS set, a
        # file cut short), and the split would understate the SQL
        if sql and all(uid in sql for uid, kind, _t in nodes if kind in ("model", "test")):
            kinds = {uid: kind for uid, kind, _t in nodes}
            sql_by_type: dict[str, float] = {}
            for uid, seconds in sql.items():
                if uid in kinds:
                    sql_by_type[kinds[uid]] = sql_by_type.get(kinds[uid], 0.0) + seconds
            profile["sql_by_type"] = {k: round(v, 3) for k, v in sql_by_type.items()}
    return profile


def dbt_sql_seconds(log_path: Path, invocation_id: str) -> dict[str, float]:
    """Seconds each node of one dbt invocation spent inside SQL: the `elapsed` of every
    query its adapter ran (dbt's SQLQueryStatus events, which ccw.warehouse.dbt_child appends
    to `<log path>/sql-timings.jsonl` when the benchmark sets CCW_DBT_SQL_TIMINGS), summed by
    the node's unique_id. What is left of a node's execution time is dbt's own work for it:
    compiling, materialisation bookkeeping, Python between the queries. Empty when the file
    does not hold the invocation."""
    out: dict[str, float] = {}
    file = Path(log_path) / SQL_TIMINGS_NAME
    if not file.is_file():
        return out
    with file.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if invocation_id not in line or '"SQLQueryStatus"' not in line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            info, data = event.get("info") or {}, event.get("data") or {}
            if info.get("name") != "SQLQueryStatus" or info.get("invocation_id") != invocation_id:
                continue
            uid = (data.get("node_info") or {}).get("unique_id")
            if uid:
                out[uid] = out.get(uid, 0.0) + float(data.get("elapsed") or 0.0)
    return out


def dbt_own_work(profile: dict[str, Any]) -> tuple[float, float] | None:
    """(seconds inside SQL, seconds of dbt's own per-node work) over every node of a profile
    with `sql_by_type`; None without it."""
    sql_by_type = profile.get("sql_by_type")
    if not sql_by_type:
        return None
    node_s = sum(v[1] for v in (profile.get("by_type") or {}).values())
    sql_s = sum(sql_by_type.values())
    return sql_s, max(node_s - sql_s, 0.0)


# What dbt's Python does while it holds the GIL in a node (py-spy --gil), by the first of
# these frames a sample's stack holds: event logging inside compiling counts as logging.
GIL_WORK = (("event logging", "fire_event ("), ("compiling", "Compiler.compile_node ("),
            ("materialisation and test macros", "root.<locals>.macro ("), ("the runner", "GraphRunnableTask.call_runner ("))
GIL_RATE = 100  # py-spy samples a second


def gil_seconds(raw: str, rate: int = GIL_RATE) -> dict[str, Any] | None:
    """Seconds the dbt process held Python's GIL, from a py-spy raw profile (`py-spy record
    --gil --subprocesses --format raw`: a line per stack, `frame;frame;... count`, each process
    a `process PID:"command line"` frame). `nodes_s`: on dbt's worker threads (its thread
    pool's `worker` frames), split by GIL_WORK (plus "other"); `outside_s`: dbt's other threads
    (start-up, parsing, hooks, writing artifacts). dbt's process: `ccw.warehouse.dbt_child
    build` (run_dbt) or `dbt build`. None when no sample is dbt's."""
    counts: dict[str, int] = {}
    nodes = outside = 0
    for line in raw.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        at = next((i for i, f in enumerate(frames) if f.startswith("process ") and " build " in f
                   and ("ccw.warehouse.dbt_child " in f or "/dbt " in f)), None)
        if at is None:
            continue
        frames = frames[at + 1:]
        if any(f.startswith("process ") for f in frames):  # a process dbt started (none does today)
            continue
        if not any(f.startswith("worker (multiprocessing/pool.py") for f in frames):
            outside += int(count)
            continue
        nodes += int(count)
        label = next((lab for lab, frame in GIL_WORK if any(f.startswith(frame) for f in frames)), "other")
        counts[label] = counts.get(label, 0) + int(count)
    if not nodes and not outside:
        return None
    return {"nodes_s": nodes / rate, "outside_s": outside / rate,
            "by_work": {lab: counts.get(lab, 0) / rate for lab, _f in (*GIL_WORK, ("other", ""))}}


def gil_floor(fig: dict[str, Any]) -> float | None:
    """The load's GIL-bound node work (gil_seconds' nodes_s) as a share of the full build's work
    (full build minus dbt's fixed cost, the share's denominator): Python runs one thread at a
    time, so no thread count brings a load under it."""
    gil = fig.get("incremental_gil") or {}
    full, fixed = fig.get("full_s"), fig.get("dbt_fixed_s") or 0.0
    if not gil.get("nodes_s") or not full or full <= fixed:
        return None
    return gil["nodes_s"] / (full - fixed)


def gil_line(fig: dict[str, Any]) -> str | None:
    """The report's line on the load's Python under the GIL (--gil-profile)."""
    if "incremental_gil" not in fig:
        return None
    gil, floor = fig["incremental_gil"], gil_floor(fig)
    if not gil or floor is None:
        return ("dbt's Python under the GIL (--gil-profile): not measured"
                + (f" ({fig['incremental_gil_error']})" if fig.get("incremental_gil_error") else "") + ".")
    parts = ", ".join(f"{lab} {s:.1f} s" for lab, s in gil["by_work"].items())
    return (f"dbt's Python under the GIL (py-spy --gil over one more load from the N-1 warehouse, not among the "
            f"timed runs): {gil['nodes_s']:.1f} s on dbt's worker threads ({parts}) and {gil['outside_s']:.1f} s "
            f"outside its nodes (start-up, parsing, hooks, artifacts). Python runs one thread at a time, so the "
            f"worker part is wall time no thread count takes off a load with these nodes: "
            f"{100 * floor:.1f} % of the full build's work (target 5 %).")


LAYERS = ("staging: parsed (base_*_parsed)", "staging: resolved (base_*)", "staging: stg_*", "intermediate (int_*)",
          "marts", "data tests", "unit tests", "other")


def layer_of(unique_id: str) -> str:
    """The warehouse layer a dbt node belongs to, for the time-per-layer table and chart."""
    kind, _, rest = unique_id.partition(".")
    name = rest.split(".")[1] if "." in rest else rest
    if kind == "test":
        return "data tests"
    if kind == "unit_test":
        return "unit tests"
    if kind != "model":
        return "other"
    if name.startswith("base_"):
        return LAYERS[0] if name.endswith("_parsed") else LAYERS[1]
    if name.startswith("stg_"):
        return LAYERS[2]
    if name.startswith("int_"):
        return LAYERS[3]
    if name.startswith(("fct_", "dim_")):
        return "marts"
    return "other"


def layer_seconds(profile: dict[str, Any]) -> dict[str, float]:
    """Node execution time summed per layer (every layer present, 0 when it ran nothing)."""
    out = dict.fromkeys(LAYERS, 0.0)
    for uid, _kind, t in profile.get("nodes") or []:
        out[layer_of(uid)] += t
    return {k: round(v, 2) for k, v in out.items()}


def summary_record(fig: dict[str, Any]) -> dict[str, Any]:
    """The run's figures as one JSON object (results.jsonl beside results.md; `ccw bench chart`)."""
    raw = fig.get("raw") or {}
    keys = ("handwritten_s", "handwritten_cpu_s", "handwritten_peak_rss", "full_s", "full_cpu_s", "full_peak_rss",
            "models_s", "models_cpu_s", "models_peak_rss", "base_s", "incremental_s", "incremental_cpu_s",
            "incremental_peak_rss", "incremental_day", "incremental_changed_rows", "incremental_copy_s", "dbt_fixed_s",
            "published_bytes", "empty_load_s", "empty_load_cpu_s", "empty_load_changed_rows", "empty_load_elapsed_s",
            "incremental_storage")
    record: dict[str, Any] = {
        "finished_at": fig.get("finished_at"), "days": raw.get("days"), "agents": raw.get("agents"),
        "format": fig.get("fmt"), "cores": fig.get("cores"), "raw_rows": sum((fig.get("row_counts") or {}).values()),
        **{k: fig.get(k) for k in keys},
        "full_layers_s": layer_seconds(fig.get("dbt_profile") or {}),
        "full_dbt_elapsed_s": (fig.get("dbt_profile") or {}).get("elapsed"),
    }
    for key in ("handwritten", "models", "incremental"):
        if len(fig.get(f"{key}_runs") or []) > 1:
            record[f"{key}_runs_s"] = [r["s"] for r in fig[f"{key}_runs"]]
    if fig.get("incremental_profile"):
        record["incremental_layers_s"] = layer_seconds(fig["incremental_profile"])
        record["incremental_dbt_elapsed_s"] = fig["incremental_profile"].get("elapsed")
        split = dbt_own_work(fig["incremental_profile"])
        if split:
            record["incremental_sql_s"], record["incremental_dbt_own_s"] = round(split[0], 2), round(split[1], 2)
            floor = dbt_floor(fig)
            record["incremental_dbt_floor_share"] = None if floor is None else round(floor, 4)
    if fig.get("incremental_gil"):
        gil, floor = fig["incremental_gil"], gil_floor(fig)
        record["incremental_gil_nodes_s"], record["incremental_gil_outside_s"] = gil["nodes_s"], gil["outside_s"]
        record["incremental_gil_floor_share"] = None if floor is None else round(floor, 4)
    share = empty_load_share(fig)
    if share is not None:
        record["empty_load_share"] = round(share, 4)
    split = dbt_own_work(fig.get("dbt_profile") or {})
    if split:
        record["full_sql_s"], record["full_dbt_own_s"] = round(split[0], 2), round(split[1], 2)
    return record


# -- report ------------------------------------------------------------------------------------------


def _gib(n: float | None) -> str:
    return "n/a" if n is None else f"{n / 2**30:.2f} GiB"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def work_share(fig: dict[str, Any], part: str, whole: str = "full_s") -> float | None:
    """Phase `part` as a share of phase `whole` (keys of `fig`), as issue 17 counts a load
    against the full build: the work each does, dbt's fixed start-up and parse cost
    (`dbt_fixed_s`, measured on its own) left out of both sides; the plain wall-time share
    when it was not measured. None when either phase is missing."""
    num, den, fixed = fig.get(part), fig.get(whole), fig.get("dbt_fixed_s") or 0.0
    if not (num and den) or den <= fixed:
        return None
    return max(num - fixed, 0.0) / (den - fixed)


def incremental_share(fig: dict[str, Any]) -> float | None:
    """One day's load as a share of the full build, as issue 17 sets the target (work_share)."""
    return work_share(fig, "incremental_s")


def empty_load_share(fig: dict[str, Any]) -> float | None:
    """A load with no new files (the day's load run again on the warehouse it left: every
    node runs, nothing is new) as a share of the full build's work, counted as
    incremental_share counts the day's load: what a load costs whatever the day holds."""
    return work_share(fig, "empty_load_s")


def empty_load_line(fig: dict[str, Any]) -> str | None:
    """The report's sentence on the load with no new files, beside the day's load."""
    share = empty_load_share(fig)
    if share is None:
        return None
    day_share = work_share(fig, "empty_load_s", "incremental_s")
    of_day = "" if day_share is None else f", {100 * day_share:.0f} % of the day's load's"
    changed = fig.get("empty_load_changed_rows")
    return ("A load with no new files (the day's load run again on the warehouse it left: the same nodes, "
            f"{'no' if changed == 0 else f'{changed:,}'} staging rows changed) took {fig['empty_load_s']:.1f} s"
            + (f" (dbt's elapsed {fig['empty_load_elapsed_s']:.1f} s)" if fig.get("empty_load_elapsed_s") else "")
            + f": its work is {100 * share:.1f} % of the full build's work{of_day}, counted as the day's share is. "
            "That part of a load does not shrink with the day's rows: the nodes' own cost in dbt, the table "
            "models rebuilt in full, the tests' and windows' scans.")


STORAGE_DECISION = re.compile(r"\]: (storage: (?:not )?compacting; [^\n]*)")


def storage_decision(log_path: Path) -> str | None:
    """The last decision of the storage_compaction hook (macros/storage.sql) in a dbt log
    folder's dbt.log: whether that invocation let DuckDB vacuum deleted rows. None without one."""
    log = Path(log_path) / "dbt.log"
    if not log.is_file():
        return None
    found = STORAGE_DECISION.findall(log.read_text(encoding="utf-8", errors="replace"))
    return found[-1] if found else None


def storage_line(fig: dict[str, Any]) -> str | None:
    """The report's sentence on whether the day's load compacted storage (macros/storage.sql)."""
    decision = fig.get("incremental_storage")
    if not decision:
        return None
    return (f"The day's load logged `{decision}`. DuckDB vacuums deleted rows only on a load that starts "
            "with some table holding the share it names or more of them; a load from a warehouse just built in full does "
            "not; one that does (about one load in three at year scale) costs a few seconds more than a load "
            "did before, the others a few less (benchmarks/results.md, session 38).")


def compute_ratios(fig: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The target rows: (ratio, measured, target, met/MISSED/n/a). The full-build
    target is on the build of models only when it was measured (issue 17: "Full build,
    models only"); the full build with its tests then follows as a fourth row, for
    information. Unmeasured, the build with tests stands in (an upper bound)."""
    hw, full, models = fig.get("handwritten_s"), fig.get("full_s"), fig.get("models_s")
    rss = fig.get("full_peak_rss")
    r1 = full / hw if full and hw else None
    r_models = models / hw if models and hw else None
    r3 = incremental_share(fig)
    share_label = ("incremental day / full build (work: dbt's fixed cost left out of both)" if fig.get("dbt_fixed_s")
                   else "incremental day / full build")
    first = (("full build, models only / hand-written script", f"{r_models:.2f}x", f"<= {TARGET_FULL_RATIO}x",
              _verdict(r_models <= TARGET_FULL_RATIO)) if r_models is not None else
             ("full build / hand-written script", "n/a" if r1 is None else f"{r1:.2f}x", f"<= {TARGET_FULL_RATIO}x",
              _verdict(None if r1 is None else r1 <= TARGET_FULL_RATIO)))
    with_tests = ([("full build with data and unit tests / hand-written script", "n/a" if r1 is None else f"{r1:.2f}x",
                    "(no target)", "")] if r_models is not None else [])
    return [
        first,
        ("peak RSS of the full build", "n/a" if rss is None else f"{rss / 1e9:.2f} GB", "<= 4 GB",
         _verdict(None if rss is None else rss <= TARGET_PEAK_RSS_BYTES)),
        (share_label, "n/a" if r3 is None else f"{100 * r3:.1f} %", f"<= {TARGET_INCREMENTAL_SHARE:.0%}",
         _verdict(None if r3 is None else r3 <= TARGET_INCREMENTAL_SHARE)),
        *with_tests,
    ]


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def render_report(fig: dict[str, Any]) -> str:
    now = fig["finished_at"]
    raw = fig["raw"]
    counts = fig.get("row_counts", {})
    scale = f"{raw.get('days', '?')} days x {raw.get('agents', '?')} agents, {fig['fmt']}, seed {raw.get('seed', '?')}"
    lines = [
        f"## {now} UTC: {scale}",
        "",
        f"Machine: {fig['cores']} cores (os.cpu_count), {_gib(fig['memory'])} memory, {platform.platform()}, "
        f"Python {platform.python_version()}, duckdb {fig.get('duckdb_version', '?')}, dbt-core {fig.get('dbt_version', '?')}"
        + (f"; working folder on {fig['work_fs']}" if fig.get("work_fs") else "") + ".",
        "Load average (1 min) at the start of each phase: "
        + ", ".join(f"{k} {v:.1f}" for k, v in fig.get("load", {}).items())
        + (" (other processes shared the cores: figures are noisy)" if max(fig.get("load", {}).values() or [0])
           > (fig["cores"] or 1) + 0.5 else "") + ".",
        f"Raw folder: {raw['files']:,} files, {raw['bytes'] / 2**30:.2f} GiB; "
        f"messages {counts.get('messaging__messages', 0):,}, call legs {counts.get('telephony__calls', 0):,}, "
        f"all raw rows {sum(counts.values()):,}.",
        "",
    ]
    def _row(name: str, key: str) -> tuple[str, str, str, str]:
        wall, cpu = fig.get(f"{key}_s"), fig.get(f"{key}_cpu_s")
        return (name, "n/a" if wall is None else f"{wall:.1f} s", "n/a" if cpu is None else f"{cpu:.1f} s",
                _gib(fig.get(f"{key}_peak_rss")))

    measures = [_row("hand-written SQL script (floor)", "handwritten"),
                _row("full `dbt build` (publish_build, --full-refresh)", "full")]
    if fig.get("models_s"):
        measures.append(_row("full build, models only (the same, data and unit tests excluded)", "models"))
    if fig.get("base_s"):
        measures.append(_row("full build of the first N-1 days (setup of the incremental run)", "base"))
    if fig.get("incremental_s"):
        measures.append(_row(f"incremental build of one day ({fig.get('incremental_day')})", "incremental"))
        if fig.get("incremental_copy_s") is not None:
            measures.append((f"of which copying the published file to the side file ({_gib(fig.get('published_bytes'))})"
                             if fig.get("published_bytes") else "of which copying the published file to the side file",
                             f"{fig['incremental_copy_s']:.1f} s", "", ""))
    if fig.get("empty_load_s"):
        measures.append(_row("a load with no new files (the same nodes, nothing new to read)", "empty_load"))
    if fig.get("dbt_fixed_s"):
        measures.append(("dbt's fixed cost per invocation (start-up and parse: a build selecting nothing)",
                         f"{fig['dbt_fixed_s']:.1f} s", "", ""))
    lines += [_table(measures, ("phase", "wall time", "CPU time (user+sys)", "peak RSS")), ""]
    lines += [_table(compute_ratios(fig), ("ratio", "measured", "target", "")), ""]
    hw_runs, models_runs = fig.get("handwritten_runs") or [], fig.get("models_runs") or []
    inc_runs = fig.get("incremental_runs") or []
    if len(hw_runs) > 1 or len(models_runs) > 1:
        pairs = [m["s"] / h["s"] for h, m in zip(hw_runs, models_runs, strict=False)]
        lines += [f"Repeated phases (--repeat {max(len(hw_runs), len(models_runs))}: the script, then after the full build "
                  "the models-only build, then the two alternately): hand-written "
                  + " / ".join(f"{r['s']:.1f}" for r in hw_runs) + " s, models only "
                  + " / ".join(f"{r['s']:.1f}" for r in models_runs) + " s; "
                  + "models only / hand-written, run by run: " + " / ".join(f"{x:.2f}x" for x in pairs) + ". "
                  + ("One day's load, each run from the same N-1 warehouse: "
                     + " / ".join(f"{r['s']:.1f}" for r in inc_runs) + " s"
                     + (" (of which the side-file copy " + " / ".join(f"{r['copy_s']:.1f}" for r in inc_runs) + " s)"
                        if all(r.get("copy_s") is not None for r in inc_runs) else "")
                     + ". " if len(inc_runs) > 1 else "")
                  + "The tables give the medians (wall and CPU time) and the largest peak RSS.", ""]
    hc, fc, ic = fig.get("handwritten_cpu_s"), fig.get("full_cpu_s"), fig.get("incremental_cpu_s")
    if hc and fc:
        mc = fig.get("models_cpu_s")
        lines += ["Same ratios in CPU time (less sensitive to other load on the machine): "
                  + (f"models only / hand-written {mc / hc:.2f}x, " if mc else "")
                  + f"full / hand-written {fc / hc:.2f}x"
                  + (f", incremental / full {100 * ic / fc:.1f} %" if ic else "") + ".", ""]
    prof = fig.get("dbt_profile") or {}
    if prof.get("nodes"):
        by_type = prof["by_type"]
        parts = ", ".join(f"{k} {v[0]} nodes {v[1]:.1f} s" for k, v in sorted(by_type.items(), key=lambda kv: -kv[1][1]))
        node_sum = sum(v[1] for v in by_type.values())
        lines += [
            "Where the full build's time goes (dbt's run_results.json): "
            f"sum of node execution times {node_sum:.1f} s ({parts}); dbt's own elapsed {prof.get('elapsed') or 0:.1f} s; "
            f"wall {fig.get('full_s', 0):.1f} s (the rest is start-up, parsing, on-run-start raw views, the side-file copy/swap "
            f"and threads waiting on each other).",
            "",
            _table([(uid.split(".", 2)[-1], kind, f"{t:.1f} s") for uid, kind, t in prof["nodes"][:10]],
                   ("10 slowest dbt nodes", "type", "execution time")),
            "",
        ]
    if prof.get("nodes"):
        full_layers = layer_seconds(prof)
        inc_layers = layer_seconds(fig["incremental_profile"]) if (fig.get("incremental_profile") or {}).get("nodes") else None
        rows = [(layer, f"{full_layers[layer]:.1f} s", "n/a" if inc_layers is None else f"{inc_layers[layer]:.1f} s")
                for layer in LAYERS if full_layers[layer] or (inc_layers and inc_layers[layer])]
        lines += [_table(rows, ("layer (node time summed over threads)", "full build", "one day's incremental build")), ""]
    inc_prof = fig.get("incremental_profile") or {}
    if inc_prof.get("nodes"):
        full_by_type = (fig.get("dbt_profile") or {}).get("by_type") or {}
        inc_by_type = inc_prof.get("by_type") or {}
        split = ", ".join(
            f"{k} {v[0]} nodes {v[1]:.1f} s"
            + (f" ({100 * v[1] / full_by_type[k][1]:.1f} % of the full build's {k} time)"
               if full_by_type.get(k) and full_by_type[k][1] else "")
            for k, v in sorted(inc_by_type.items(), key=lambda kv: -kv[1][1]))
        lines += [
            f"Incremental run, by node type (run_results.json): {split}; dbt's own elapsed "
            f"{inc_prof.get('elapsed') or 0:.1f} s (the rest of the wall time is start-up, parsing, the raw views "
            "and copying the published file to the side file).",
            "",
            "Incremental run: slowest nodes " + ", ".join(f"{uid.split('.', 2)[-1]} {t:.1f} s" for uid, _k, t in inc_prof["nodes"][:5]) + ".",
            "",
        ]
        for line in (empty_load_line(fig), storage_line(fig), dbt_floor_line(fig), gil_line(fig)):
            if line:
                lines += [line, ""]
    if fig.get("handwritten_statements"):
        top = sorted(fig["handwritten_statements"], key=lambda x: -x[1])[:10]
        lines += ["Hand-written script's slowest statements: " + ", ".join(f"{n} {t:.1f} s" for n, t in top) + ".", ""]
    return "\n".join(lines) + "\n"


def dbt_floor(fig: dict[str, Any]) -> float | None:
    """The share of the full build's work that dbt's own per-node work in the day's load takes
    by itself, spread evenly over the load's threads: a floor under issue 17's share for this
    project's nodes, whatever their SQL costs (the share's denominator: full build minus dbt's
    fixed cost). None without the split of the load's node time."""
    split = dbt_own_work(fig.get("incremental_profile") or {})
    full, fixed = fig.get("full_s"), fig.get("dbt_fixed_s") or 0.0
    threads = (fig.get("incremental_profile") or {}).get("threads")
    if not split or not full or not threads or full <= fixed:
        return None
    return split[1] / threads / (full - fixed)


def dbt_floor_line(fig: dict[str, Any]) -> str | None:
    """The report's line on SQL against dbt's own per-node work (dbt_sql_seconds), full and load."""
    inc_prof, full_prof = fig.get("incremental_profile") or {}, fig.get("dbt_profile") or {}
    inc_split, full_split, floor = dbt_own_work(inc_prof), dbt_own_work(full_prof), dbt_floor(fig)
    if not inc_split or floor is None:
        return None
    inc_nodes = sum(v[0] for v in (inc_prof.get("by_type") or {}).values())
    own = inc_split[1]
    full_part = (f"full build {full_split[0]:.1f} s inside SQL and {full_split[1]:.1f} s of dbt's own work; "
                 if full_split else "")
    return (f"Inside SQL and outside it (dbt's query events: the time of every query a node ran; the rest of its "
            f"execution time is dbt's own work for it: compiling, materialisation bookkeeping, Python between "
            f"the queries): {full_part}one day's load {inc_split[0]:.1f} s inside SQL and {own:.1f} s of dbt's own "
            f"work over {inc_nodes} nodes. That own work alone, spread evenly over the load's "
            f"{inc_prof['threads']} threads, is {own / inc_prof['threads']:.1f} s of wall time: "
            f"{100 * floor:.1f} % of the full build's work, a floor under the day's share with these nodes "
            f"however fast their SQL (target 5 %).")


def write_results(path: Path, report: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Build benchmark results\n\n"
              "Written by `ccw bench build` (ccw/bench/build.py); newest run last. Targets (on 2 cores): "
              "full build <= 1.5x the hand-written script (benchmarks/handwritten_kpis.sql), peak RSS <= 4 GB, "
              "one day's incremental build <= 5 % of the full build.\n\n")
    with path.open("a") as fh:
        if path.stat().st_size == 0:
            fh.write(header)
        fh.write(report + "\n")


def file_system(path: Path) -> str | None:
    """The type of the file system holding `path` (ext4, btrfs, xfs, apfs...): whether the
    side file of a load is a clone or a copy depends on it (ccw.warehouse.build.clone_or_copy)."""
    import psutil

    path = Path(path).resolve()
    best = None
    for part in psutil.disk_partitions(all=True):
        mount = Path(part.mountpoint)
        if (path == mount or mount in path.parents) and (best is None or len(str(mount)) > len(str(best[0]))):
            best = (mount, part.fstype)
    return best[1] if best else None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for key, pkg in (("duckdb_version", "duckdb"), ("dbt_version", "dbt-core")):
        try:
            out[key] = version(pkg)
        except PackageNotFoundError:
            out[key] = "?"
    return out


# -- the command -------------------------------------------------------------------------------------


@click.command(name="build")
@click.option("--days", default=365, show_default=True, type=click.IntRange(2, 3660), help="Days to simulate.")
@click.option("--agents", default=300, show_default=True, type=click.IntRange(2, 20000), help="Agents to simulate.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(["csv", "parquet", "both"]),
              help="Raw file format of the simulated folder; both: the whole benchmark on a CSV folder, then on "
                   "a Parquet folder of the same simulation (one report each, then the two side by side).")
@click.option("--workdir", default=None, type=click.Path(file_okay=False), help="Working folder (default: a temporary one).")
@click.option("--keep", is_flag=True, help="Keep the working folder (raw files, warehouses, dbt target/logs).")
@click.option("--results", default=DEFAULT_RESULTS, show_default=True, type=click.Path(dir_okay=False),
              help="Markdown file the results are appended to ('-' for none).")
@click.option("--reuse-raw", "reuse_raw", default=None, type=click.Path(file_okay=False, exists=True),
              help="Use this raw folder instead of simulating one.")
@click.option("--skip-incremental", is_flag=True, help="Skip the incremental-day measurement (saves a second full build).")
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(1, 9),
              help="Run the hand-written script and the models-only build this many times each, alternately, and "
                   "one day's load this many times from the same N-1 warehouse, and report the medians: less "
                   "sensitive to other load than one run of each.")
@click.option("--gil-profile", is_flag=True,
              help="Run one more day's load under py-spy (dev group) and report the seconds dbt's Python held "
                   "the GIL in its nodes: wall time no thread count takes off a load.")
@click.option("--verbose", is_flag=True, help="Stream dbt's own output.")
def build(days: int, agents: int, seed: int, fmt: str, workdir: str | None, keep: bool, results: str,
          reuse_raw: str | None, skip_incremental: bool, repeat: int, gil_profile: bool, verbose: bool) -> None:
    """Benchmark the warehouse build: full build time and peak RSS, one day's
    incremental build, against the hand-written DuckDB script over the same files."""
    if fmt != "both":
        bench_format(days, agents, seed, fmt, workdir, keep, results, reuse_raw, skip_incremental, verbose, repeat,
                     gil_profile)
        return
    if reuse_raw:
        raise CcwError("--format both simulates a CSV and a Parquet folder", "--reuse-raw",
                       "give one format with --reuse-raw, or leave --reuse-raw out")
    figures = {}
    for one in ("csv", "parquet"):
        folder = str(Path(workdir) / one) if workdir else None
        figures[one] = bench_format(days, agents, seed, one, folder, keep, results, None, skip_incremental, verbose,
                                    repeat, gil_profile)
    table = render_formats(figures)
    click.echo(table)
    if results != "-":
        with resolve(results).open("a") as fh:
            fh.write(f"### CSV and Parquet of the same simulation ({days} days x {agents} agents, seed {seed}), "
                     f"the two runs above\n{table}\n")


def render_formats(figures: dict[str, dict[str, Any]]) -> str:
    """The CSV and Parquet runs of one `--format both` benchmark side by side."""
    rows = []
    for fmt, fig in figures.items():
        hw, full, inc = fig.get("handwritten_s"), fig.get("full_s"), fig.get("incremental_s")
        rows.append((fmt, f"{hw:.1f} s" if hw else "-", f"{full:.1f} s" if full else "-",
                     f"{full / hw:.2f}x" if hw and full else "-", f"{inc:.1f} s" if inc else "-",
                     f"{100 * inc / full:.1f} %" if inc and full else "-"))
    return "\n" + _table(rows, ("format", "hand-written", "full build", "ratio", "one day", "share")) + "\n"


def median_run(runs: list[dict[str, Any]]) -> int:
    """The index of the run whose wall time is the median (the lower one of an even count):
    its dbt profile and side-file copy are reported with the median time."""
    order = sorted(range(len(runs)), key=lambda i: runs[i]["s"])
    return order[(len(order) - 1) // 2]


def load_window_rows(warehouse: Path) -> int:
    """How many staging rows the last load changed (int_load_window.changed_rows)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return int(con.execute("select changed_rows from intermediate.int_load_window").fetchone()[0])


def load_worker_args(inc_raw: Path, wh: Path, work: Path) -> list[str]:
    """The worker's arguments for a load (not a full refresh) of `inc_raw` into `wh`, in the
    load's own target and log folders: the day's load, its repeats and the load with no new files."""
    return ["dbt", str(inc_raw), str(wh), "0", str(work / "target_inc"), str(work / "logs_inc")]


def run_loads(fig: dict[str, Any], wh: Path, inc_raw: Path, work: Path, repeat: int, verbose: bool,
              gil_profile: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """One day's load onto the N-1 warehouse `wh`, `repeat` times: before each run after the
    first, `wh` is restored (untimed) from a copy taken before the first. Each run's load
    average goes into `fig`. Returns each run's figures (record_repeats, with its side-file
    copy as `copy_s`), dbt profile and changed rows; stops when two runs changed different
    rows (a run that did not start from the N-1 warehouse). gil_profile: one more load from
    the N-1 warehouse under py-spy (profile_gil), not among the returned runs."""
    from ccw.warehouse.build import clone_or_copy

    base = work / "incremental_n-1.duckdb"
    if repeat > 1 or gil_profile:
        clone_or_copy(wh, base)
    runs: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    changed: list[int] = []
    load_args = load_worker_args(inc_raw, wh, work)
    try:
        for i in range(1, repeat + 1):
            if i > 1:
                _say(f"bench build: repeat {i}/{repeat}: incremental day, from the N-1 warehouse again ...")
                clone_or_copy(base, wh)
            res = _run_worker("incremental build" if i == 1 else f"incremental build, run {i}", load_args,
                              stream=verbose)
            runs.append(_record_phase(fig, "incremental", "incremental" if i == 1 else f"incremental #{i}", res))
            runs[-1]["copy_s"] = res.get("copy_s")
            profiles.append(dbt_node_timings(work / "target_inc", work / "logs_inc"))
            shutil.copy2(work / "target_inc" / "run_results.json",
                         work / "target_inc" / f"run_results.incremental{'' if i == 1 else f'.{i}'}.json")
            changed.append(load_window_rows(wh))
            if changed[-1] != changed[0]:
                raise CcwError(f"load {i} changed {changed[-1]:,} rows, the first {changed[0]:,}: the repeated loads "
                               "did not start from the same N-1 warehouse", str(wh), "rerun the benchmark")
        if gil_profile:
            _say("bench build: one more load from the N-1 warehouse under py-spy --gil ...")
            clone_or_copy(base, wh)
            fig["incremental_gil"], fig["incremental_gil_error"] = profile_gil(load_args, work, verbose)
    finally:
        base.unlink(missing_ok=True)
    return runs, profiles, changed


def py_spy() -> str | None:
    """The py-spy executable (the dev group installs it beside this Python), or None."""
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.is_file() else shutil.which("py-spy")


def profile_gil(load_args: list[str], work: Path, verbose: bool) -> tuple[dict[str, Any] | None, str | None]:
    """Run a load phase under `py-spy record --gil --subprocesses` (samples only the thread
    holding each process's GIL) and read the dbt process's seconds from it (gil_seconds).
    Returns (figures, None) or (None, why not): a profiler that cannot attach (no ptrace
    permission in a container) must not cost the benchmark's other figures."""
    exe = py_spy()
    if not exe:
        return None, "py-spy not found: `uv sync` installs it with the dev group"
    raw = work / "gil_profile.txt"
    raw.unlink(missing_ok=True)
    wrap = [exe, "record", "--gil", "--subprocesses", "--nonblocking", "--rate", str(GIL_RATE), "--format", "raw",
            "--output", str(raw), "--"]
    try:
        _run_worker("incremental build under py-spy", load_args, stream=verbose, wrap=wrap)
    except CcwError as exc:
        return None, exc.one_line()[:300]
    if not raw.is_file():
        return None, f"py-spy wrote no profile to {raw}"
    gil = gil_seconds(raw.read_text(errors="replace"))
    return (gil, None) if gil else (None, f"no sample of dbt's process in {raw}")


def bench_format(days: int, agents: int, seed: int, fmt: str, workdir: str | None, keep: bool, results: str,
                 reuse_raw: str | None, skip_incremental: bool, verbose: bool, repeat: int = 1,
                 gil_profile: bool = False) -> dict[str, Any]:
    """The benchmark on one raw folder (simulated in `fmt`, or `reuse_raw`); returns its figures.
    repeat: runs of the hand-written script, of the models-only build and of the day's load (their medians count).
    gil_profile: one more load under py-spy, for dbt's Python under the GIL (gil_line)."""
    import psutil

    work = Path(workdir).resolve() if workdir else Path(tempfile.mkdtemp(prefix="ccw-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    created_tmp = workdir is None
    fig: dict[str, Any] = {"cores": os.cpu_count(), "memory": psutil.virtual_memory().total, "load": {}, **_versions(),
                           "work_fs": file_system(work)}
    try:
        # 1. raw folder
        if reuse_raw:
            raw = Path(reuse_raw).resolve()
            _say(f"bench build: reusing raw folder {raw}")
        else:
            raw = work / "raw"
            _say(f"bench build: simulating {days} days x {agents} agents ({fmt}) into {raw} ...")
            from ccw.simulator import simulate_to_folder

            t0 = time.perf_counter()
            simulate_to_folder(raw, days=days, agents=agents, seed=seed, fmt=fmt, progress=True, ground_truth=False)
            _say(f"bench build: simulated in {time.perf_counter() - t0:.1f}s")
        fig["fmt"] = detect_format(raw)
        fig["raw"] = raw_summary(raw)
        for key, value in (("days", days), ("agents", agents), ("seed", seed)):
            fig["raw"].setdefault(key, "?" if reuse_raw else value)

        # 2. hand-written script
        _say("bench build: [1/4] hand-written SQL script (the floor) ...")
        hw_db = work / "handwritten.duckdb"
        hw_args = ["handwritten", str(raw), str(hw_db), fig["fmt"]]
        res = _run_worker("hand-written script", hw_args)
        hw_runs = [_record_phase(fig, "handwritten", "hand-written", res)]
        fig["handwritten_statements"] = res["statements"]
        import duckdb

        with duckdb.connect(str(hw_db), read_only=True) as con:
            fig["row_counts"] = {e: int(n or 0) for e, n in con.sql("select entity, raw_rows from row_counts").fetchall()}
        _say(f"bench build: hand-written script {fig['handwritten_s']:.1f}s, peak RSS {_gib(fig['handwritten_peak_rss'])}")
        if not keep:
            hw_db.unlink(missing_ok=True)

        # 3. full dbt build
        _say("bench build: [2/4] full dbt build (publish_build --full-refresh) ...")
        _warm_parse(raw, work / "full.duckdb", work / "target_full", work / "logs_full")
        res = _run_worker("full dbt build", ["dbt", str(raw), str(work / "full.duckdb"), "1", str(work / "target_full"),
                                             str(work / "logs_full")], stream=verbose)
        _record_phase(fig, "full", "full build", res)
        fig["dbt_profile"] = dbt_node_timings(work / "target_full", work / "logs_full")
        _say(f"bench build: full build {fig['full_s']:.1f}s, peak RSS {_gib(fig['full_peak_rss'])}")
        if not keep:
            (work / "full.duckdb").unlink(missing_ok=True)

        # 3b. the same build, models only (issue 17's target): seeds, models and their hooks
        _say("bench build: [3/4] full build, models only (data and unit tests excluded) ...")
        models_args = ["dbt", str(raw), str(work / "models.duckdb"), "models", str(work / "target_models"),
                       str(work / "logs_models")]
        _warm_parse(raw, work / "models.duckdb", work / "target_models", work / "logs_models")
        res = _run_worker("full build, models only", models_args, stream=verbose)
        models_runs = [_record_phase(fig, "models", "models only", res)]
        _say(f"bench build: models only {fig['models_s']:.1f}s, peak RSS {_gib(fig['models_peak_rss'])}")
        if not keep:
            (work / "models.duckdb").unlink(missing_ok=True)

        # 3c. --repeat: the script and the models-only build again, alternately; their medians count
        if repeat > 1:
            for i in range(2, repeat + 1):
                _say(f"bench build: repeat {i}/{repeat}: hand-written SQL script ...")
                res = _run_worker(f"hand-written script, run {i}", hw_args)
                hw_runs.append(_record_phase(fig, "handwritten", f"hand-written #{i}", res))
                _say(f"bench build: repeat {i}/{repeat}: full build, models only ...")
                (work / "models.duckdb").unlink(missing_ok=True)  # a fresh build, not a load into the last one
                res = _run_worker(f"full build, models only, run {i}", models_args, stream=verbose)
                models_runs.append(_record_phase(fig, "models", f"models only #{i}", res))
                _say(f"bench build: run {i}: hand-written {hw_runs[-1]['s']:.1f}s, models only {models_runs[-1]['s']:.1f}s")
            record_repeats(fig, "handwritten", hw_runs)
            record_repeats(fig, "models", models_runs)
            _say(f"bench build: medians of {repeat}: hand-written {fig['handwritten_s']:.1f}s, "
                 f"models only {fig['models_s']:.1f}s")
            if not keep:
                hw_db.unlink(missing_ok=True)
                (work / "models.duckdb").unlink(missing_ok=True)

        # 4. incremental day
        if not skip_incremental:
            _say("bench build: [4/4] incremental day: full build of the first N-1 days ...")
            inc_raw = work / "raw_incremental"
            day, held = split_last_day(raw, inc_raw)
            fig["incremental_day"] = day
            wh = work / "incremental.duckdb"
            res = _run_worker("full build of N-1 days", ["dbt", str(inc_raw), str(wh), "1", str(work / "target_inc"),
                                                        str(work / "logs_inc")], stream=verbose)
            _record_phase(fig, "base", "N-1 build", res)
            fig["published_bytes"] = wh.stat().st_size
            _say(f"bench build: N-1 days built in {fig['base_s']:.1f}s; adding {len(held)} files of {day} ...")
            for src, dst in held:
                _link(src, dst)
            inc_runs, profiles, changed = run_loads(fig, wh, inc_raw, work, repeat, verbose, gil_profile)
            record_repeats(fig, "incremental", inc_runs)
            median = median_run(inc_runs)
            fig["incremental_copy_s"] = inc_runs[median]["copy_s"]
            fig["incremental_profile"] = profiles[median]
            fig["incremental_changed_rows"] = changed[0]
            fig["incremental_storage"] = storage_decision(work / "logs_inc")
            _say(f"bench build: incremental day {fig['incremental_s']:.1f}s; a load with no new files ...")
            res = _run_worker("load with no new files", load_worker_args(inc_raw, wh, work), stream=verbose)
            _record_phase(fig, "empty_load", "load, no new files", res)
            fig["empty_load_changed_rows"] = load_window_rows(wh)
            fig["empty_load_elapsed_s"] = dbt_node_timings(work / "target_inc").get("elapsed")
            _say(f"bench build: load with no new files {fig['empty_load_s']:.1f}s; dbt's fixed cost (a build selecting "
                 "nothing) ...")
            res = _run_worker("dbt fixed cost", ["fixed", str(inc_raw), str(wh), str(work / "target_inc"),
                                                 str(work / "logs_inc")])
            fig["dbt_fixed_s"] = res["seconds"]
            _say(f"bench build: dbt's fixed cost {fig['dbt_fixed_s']:.1f}s")

        fig["finished_at"] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M")
        report = render_report(fig)
        click.echo(report)
        if results != "-":
            path = resolve(results)
            write_results(path, report)
            with path.with_suffix(".jsonl").open("a") as fh:
                fh.write(json.dumps(summary_record(fig)) + "\n")
            _say(f"bench build: results appended to {path} and {path.with_suffix('.jsonl').name}")
    except OSError as exc:
        raise CcwError(f"benchmark could not use its working folder: {exc.strerror or exc}", str(work),
                       "free disk space or pass --workdir") from exc
    finally:
        if created_tmp and not keep:
            shutil.rmtree(work, ignore_errors=True)
        elif keep:
            _say(f"bench build: working folder kept at {work}")
    return fig


if __name__ == "__main__":
    _worker(sys.argv[1:])

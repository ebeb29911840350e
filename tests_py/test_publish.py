"""Safe publishing: readers of the published warehouse never see a lock error
or a half-built table while `ccw build` runs; one writer at a time; a file
held read-write is never replaced; `ccw build` ends in one readable line."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from ccw.errors import CcwError
from ccw.warehouse.build import building_path, lock_path, publish_build
from filelock import FileLock, Timeout

pytestmark = pytest.mark.slow


def _mart_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_readers_never_fail_or_see_partial_tables_during_a_build(demo_raw, demo_warehouse, tmp_path):
    published = tmp_path / "published.duckdb"
    shutil.copy2(demo_warehouse, published)
    expected = _mart_counts(published)
    assert expected.get("fct_agent_daily", 0) > 0, "demo warehouse has no agent-day rows"

    errors: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                seen = _mart_counts(published)
                if seen != expected:
                    errors.append(f"partial or different marts seen: {seen}")
                reads += 1
            except Exception as exc:  # a lock error or a missing table is a failure
                errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        publish_build(demo_raw, published, target_path=tmp_path / "target", log_path=tmp_path / "logs", stream=False)
        time.sleep(0.5)  # a few reads of the newly published file
    finally:
        stop.set()
        for t in threads:
            t.join()

    assert not errors, errors[:5]
    assert reads > 10, f"the readers only managed {reads} reads"
    assert _mart_counts(published) == expected
    assert not building_path(published).exists()


def test_failed_build_leaves_published_file_untouched(tmp_path):
    published = tmp_path / "published.duckdb"
    con = duckdb.connect(str(published))
    con.execute("create schema marts; create table marts.canary as select 42 as answer")
    con.close()
    before = published.read_bytes()
    with pytest.raises(CcwError):
        publish_build(tmp_path / "no-such-raw", published, stream=False)
    assert published.read_bytes() == before


# ----------------------------------------------------------------- one writer


def _ccw(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ccw", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})}, **kw)


def _lock_is_held(published: Path) -> bool:
    probe = FileLock(str(lock_path(published)))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    probe.release()
    return False


def test_a_second_build_stops_at_once_while_one_runs(demo_raw, tmp_path):
    published = tmp_path / "published.duckdb"
    first = _ccw("build", "--raw-dir", str(demo_raw), "--warehouse", str(published))
    deadline = time.monotonic() + 60
    while not _lock_is_held(published) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.1)
    assert _lock_is_held(published), "the first build never took the lock"
    started = time.monotonic()
    second = _ccw("build", "--raw-dir", str(demo_raw), "--warehouse", str(published))
    _, err2 = second.communicate(timeout=60)
    assert second.returncode == 2 and time.monotonic() - started < 30
    lines = [ln for ln in err2.splitlines() if ln.strip()]
    assert lines[-1].startswith("error: another `ccw build` is already building"), err2
    assert "Traceback" not in err2
    _, err1 = first.communicate(timeout=900)
    assert first.returncode == 0, err1[-3000:]
    # off a terminal: plain progress lines, no ANSI codes, no dbt summary line
    assert "\x1b[" not in err1
    assert re.search(r"dbt build: \d+/\d+ nodes", err1), err1[-2000:]
    assert "Done. PASS=" not in err1
    assert err1.strip().splitlines()[-1].startswith("published ")
    assert _mart_counts(published)["fct_agent_daily"] > 0


HOLD = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')
if sys.argv[2] == 'write':
    con.execute("create table main.scribble as select 1 as x")
print('ready', flush=True)
time.sleep(float(sys.argv[3]))
"""


def _hold(path: Path, mode: str, seconds: float = 120) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), mode, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_published_file_held_read_write_is_never_replaced(demo_raw, demo_warehouse, tmp_path):
    published = tmp_path / "published.duckdb"
    shutil.copy2(demo_warehouse, published)
    writer = _hold(published, "rw")
    try:
        before = published.stat().st_ino
        with pytest.raises(CcwError, match="open read-write by process"):
            publish_build(demo_raw, published, stream=False, target_path=tmp_path / "t", log_path=tmp_path / "l")
        assert published.stat().st_ino == before
    finally:
        writer.kill()
        writer.wait()


def test_a_dead_writers_log_never_meets_the_new_file(demo_raw, demo_warehouse, tmp_path):
    published = tmp_path / "published.duckdb"
    shutil.copy2(demo_warehouse, published)
    writer = _hold(published, "write")
    os.kill(writer.pid, signal.SIGKILL)  # dies with its changes in the write-ahead log
    writer.wait()
    assert published.with_name(published.name + ".wal").exists()
    publish_build(demo_raw, published, stream=False, target_path=tmp_path / "t", log_path=tmp_path / "l")
    assert not published.with_name(published.name + ".wal").exists()
    with duckdb.connect(str(published), read_only=True) as con:  # opens: no foreign log replayed
        assert con.execute("select count(*) from marts.fct_agent_daily").fetchone()[0] > 0
        # the dead writer's committed change came along in the incremental copy
        assert con.execute("select x from main.scribble").fetchall() == [(1,)]


def test_bad_settings_end_ccw_build_with_one_line(demo_raw, tmp_path):
    proc = _ccw("build", "--raw-dir", str(demo_raw), "--warehouse", str(tmp_path / "w.duckdb"),
                "--vars", "{reporting_timezone: Mars/Olympus_Mons}")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: Invalid setting: var reporting_timezone = Mars/Olympus_Mons"), err[-2000:]
    assert "on-run-start" not in last and "Done." not in err and "\x1b[" not in err
    assert not (tmp_path / "w.duckdb").exists()


def test_a_load_under_other_settings_ends_with_one_line_and_publishes_nothing(demo_raw, demo_warehouse, tmp_path):
    """The settings a warehouse was built with are kept in it (raw.build_settings); a load
    under others would publish marts that mix both, so `ccw build` stops, saying which."""
    published = tmp_path / "published.duckdb"
    shutil.copy2(demo_warehouse, published)
    before = published.read_bytes()
    proc = _ccw("build", "--raw-dir", str(demo_raw), "--warehouse", str(published),
                "--vars", "{fcr_window_hours: 72}")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: Settings differ from those the warehouse was built with: "
                           "var fcr_window_hours 168 -> 72"), err[-2000:]
    assert "ccw build --full-refresh" in last and "\x1b[" not in err and "Traceback" not in err
    assert published.read_bytes() == before


def test_a_failing_data_test_names_the_test_and_its_file(demo_raw, tmp_path):
    # a raw folder whose only row (an agent without a team) is rejected leaves fct_agent_daily empty
    raw = tmp_path / "raw"
    (raw / "crm/agents").mkdir(parents=True)
    (raw / "crm/agents/2026-03-01.csv").write_text(
        "agent_id,full_name,email,team,site,timezone,hired_on,left_on,updated_at\n"
        "A1,x,x@y.cn,,s,Asia/Shanghai,2025-01-01,,2026-03-01T00:00:00Z\n")
    proc = _ccw("build", "--raw-dir", str(raw), "--warehouse", str(tmp_path / "w.duckdb"))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: data test not_empty_fct_agent_daily"), err[-2000:]
    assert "in models/marts/fct_agent_daily.yml" in last and "--store-failures" in last


def test_ccw_build_keeps_its_own_target_folder(demo_raw, tmp_path, monkeypatch):
    """dbt keys partial parsing on the profile (the side file for `ccw build`, the published
    file for a hand-run `dbt build`): `ccw build` writes its dbt state to target/ccw-build,
    never to target/, so neither invalidates the other's partial parse."""
    import ccw.warehouse.build as build_module
    from ccw.paths import PROJECT_ROOT

    seen: dict = {}

    def fake_run_dbt(args, raw_dir, warehouse, target_path=None, log_path=None, stream=True):
        seen.update(args=args, warehouse=Path(warehouse), target_path=target_path)
        duckdb.connect(str(warehouse)).close()  # the side file the swap expects

    monkeypatch.setattr(build_module, "run_dbt", fake_run_dbt)
    published = tmp_path / "wh" / "contact_center.duckdb"
    publish_build(demo_raw, published, stream=False)
    assert seen["warehouse"] == building_path(published.resolve())
    assert Path(seen["target_path"]) == PROJECT_ROOT / "target" / "ccw-build"
    assert published.exists()
    explicit = tmp_path / "t"
    publish_build(demo_raw, published, stream=False, target_path=explicit, full_refresh=True)
    assert Path(seen["target_path"]) == explicit

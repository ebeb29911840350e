"""Shared fixtures: one simulated raw folder and one built warehouse per test session.

Tests that need data use `demo_raw` (a small simulated folder with ground
truth) and `demo_warehouse` (that folder built with `dbt build`); both are
built once and shared. Open the warehouse read-only.

`background` starts, when the session starts, the slow builds that need no
other test's output (the Spark comparison's, the day-by-day replay of
`demo_raw`; tests_py/background.py) in a thread beside the tests, if a
selected test needs them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from ccw.paths import PROJECT_ROOT

from background import Background

os.environ.setdefault("DO_NOT_TRACK", "1")

DEMO_ARGS = dict(days=30, agents=20, seed=11)


@pytest.fixture(scope="session", autouse=True)
def background(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Background jobs for the selected tests, started before the first test runs, one after the other
    (the Spark comparison's builds keep most of 2 cores busy on their own)."""
    import shutil

    from spark_engines import prepare_engines

    bg = Background(workers=1)
    items = request.session.items
    if any(item.get_closest_marker("spark") for item in items) and shutil.which("java") is not None:
        bg.start("spark", prepare_engines, tmp_path_factory.mktemp("engines"))  # (without java they fail, saying so)
    if any("replayed" in item.fixturenames for item in items):
        bg.start("replay", replay_month, request.getfixturevalue("demo_raw"), tmp_path_factory.mktemp("replay"))
    yield bg
    bg.close()


def replay_month(bg: Background, raw: Path, work: Path) -> dict:
    """`raw` loaded one day at a time into work/replayed.duckdb (ccw.warehouse.replay, test_incremental.py)."""
    wh = work / "replayed.duckdb"
    proc = bg.run(
        [sys.executable, "-m", "ccw.warehouse.replay", str(raw), str(work / "raw"), str(wh),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
         # the last load a `dbt build`, as a daily `ccw build`: its data tests, narrowed to the rows it
         # wrote, run on a real load (test_incremental reads their SQL from its run_results)
         "--last-command", "build --exclude-resource-type unit_test"],
        cwd=PROJECT_ROOT, env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the day-by-day replay failed:\n{proc.stderr[-3000:]}{proc.stdout[-3000:]}")
    loads = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    # the last load's results (its tests' compiled SQL), kept before a test's dbt run writes that target
    last = work / "last_load_run_results.json"
    shutil.copyfile(work / "target" / "run_results.json", last)
    return {"work": work, "warehouse": wh, "raw": work / "raw", "loads": loads, "last_run_results": last}


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-day simulated raw folder (CSV) with `_ground_truth/`."""
    from ccw.simulator import simulate_to_folder

    out = tmp_path_factory.mktemp("raw") / "raw"
    simulate_to_folder(out, **DEMO_ARGS)
    return out


@pytest.fixture(scope="session")
def demo_warehouse(demo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`demo_raw` built with `dbt build` (models, seeds and data tests)."""
    from ccw.warehouse.build import publish_build

    work = tmp_path_factory.mktemp("wh")
    wh = work / "warehouse.duckdb"
    publish_build(demo_raw, wh, target_path=work / "target", log_path=work / "logs", stream=False)
    return wh


@pytest.fixture()
def demo_con(demo_warehouse: Path):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()

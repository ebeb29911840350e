"""Shared fixtures: one simulated raw folder and one built warehouse per test session.

Tests that need data use `demo_raw` (a small simulated folder with ground
truth) and `demo_warehouse` (that folder built with `dbt build`); both are
built once and shared. Open the warehouse read-only.

`background` starts, when the session starts, the slow builds that mostly wait
(the Spark comparison's, tests_py/background.py) in a thread beside the tests,
if a selected test needs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from ccw.paths import PROJECT_ROOT

from background import Background

os.environ.setdefault("DO_NOT_TRACK", "1")

DEMO_ARGS = dict(days=30, agents=20, seed=11)


@pytest.fixture(scope="session", autouse=True)
def background(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Background jobs for the selected tests, started before the first test runs."""
    import shutil

    from spark_engines import prepare_engines

    bg = Background()
    spark = any(item.get_closest_marker("spark") for item in request.session.items)
    if spark and shutil.which("java") is not None:  # (without java the Spark tests fail, saying so)
        bg.start("spark", prepare_engines, tmp_path_factory.mktemp("engines"))
    yield bg
    bg.close()


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

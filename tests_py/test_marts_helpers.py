"""Helpers shared by the marts, semantic-layer and analyses tests (no tests here).

`project_copy` copies the dbt project to a scratch folder, so that a test can
write `target/` (MetricFlow reads `<project>/target/semantic_manifest.json`),
change a file (contract test) or run dbt without touching the working tree.
`warehouse_copy` copies the session's built warehouse, so that dbt or `mf`
can open it read-write while other tests read the original.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ccw.paths import PROJECT_ROOT
from ccw.warehouse.dbt import dbt_env, run_dbt

MARTS = (
    "fct_agent_daily",
    "fct_team_daily",
    "fct_queue_daily",
    "fct_contacts",
    "fct_tickets",
    "fct_survey_responses",
    "fct_kpi_alerts",
    "dim_agents",
    "dim_customers",
    "dim_date",
)

_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "target", "logs", "warehouse", "data", "__pycache__", ".pytest_cache", "*.duckdb", "*.wal"
)


def project_copy(dest: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, tests, analyses, profiles)."""
    dest = Path(dest)
    shutil.copytree(PROJECT_ROOT, dest, ignore=_IGNORE)
    return dest


def warehouse_copy(warehouse: Path, dest_dir: Path, name: str = "warehouse.duckdb") -> Path:
    """A copy of a closed DuckDB file as dest_dir/name; a write-ahead log left beside an
    earlier file of that name (a test that failed with it open) is removed, so it cannot
    replay onto the copy."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    dest.with_name(dest.name + ".wal").unlink(missing_ok=True)
    shutil.copy2(warehouse, dest)
    return dest


def dbt(project: Path, args: list[str], raw_dir: Path, warehouse: Path, check: bool = True):
    """Run dbt in `project` (target/ and logs/ inside it). Returns the CompletedProcess."""
    if check:
        return run_dbt(
            args,
            raw_dir,
            warehouse,
            target_path=project / "target",
            log_path=project / "logs",
            stream=False,
            project_dir=project,
        )
    cmd = [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project / "profiles")]
    env = dbt_env(raw_dir, warehouse)
    env.update({"PWD": str(project), "DBT_TARGET_PATH": str(project / "target"), "DBT_LOG_PATH": str(project / "logs")})
    return subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)


def mf(project: Path, args: list[str], raw_dir: Path, warehouse: Path,
       target: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the MetricFlow CLI (`mf`) in `project` against `warehouse` (profile target `target`, default dev)."""
    exe = Path(sys.executable).parent / "mf"
    env = dbt_env(raw_dir, warehouse)
    env.update(
        {
            "PWD": str(project),
            "DBT_PROFILES_DIR": str(project / "profiles"),
            "DBT_PROJECT_DIR": str(project),
            "DBT_TARGET_PATH": str(project / "target"),
            "DBT_LOG_PATH": str(project / "logs"),
            "NO_COLOR": "1",
        }
    )
    env.pop("DBT_TARGET_PATH", None)  # mf reads <project>/target/semantic_manifest.json
    if target:
        env["DBT_TARGET"] = target
    return subprocess.run([str(exe), *args], cwd=project, env=env, capture_output=True, text=True, timeout=600)


def close(a, b, rel: float = 1e-9, abs_: float = 1e-6) -> bool:
    """Equality for figures: both null, or numerically equal within tolerance."""
    a_null = a is None or (isinstance(a, float) and a != a)
    b_null = b is None or (isinstance(b, float) and b != b)
    if a_null or b_null:
        return a_null and b_null
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = float(a), float(b)
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


os.environ.setdefault("DO_NOT_TRACK", "1")


_SHARED: dict[str, tuple[Path, Path]] = {}


def shared_project(tmp_path_factory, demo_raw: Path, demo_warehouse: Path) -> tuple[Path, Path]:
    """One parsed project copy + warehouse copy per session (dbt parse is the slow part).

    Read-only users only: the manifest tests, the semantic layer (`mf`) and
    the analyses (`dbt compile`). The warehouse copy is named
    `warehouse.duckdb` like the session's warehouse, so compiled relation
    names work against both.
    """
    if "project" not in _SHARED:
        work = tmp_path_factory.mktemp("marts_shared")
        project = project_copy(work / "project")
        wh = warehouse_copy(demo_warehouse, work / "wh")
        dbt(project, ["parse"], demo_raw, wh)
        _SHARED["project"] = (project, wh)
    return _SHARED["project"]

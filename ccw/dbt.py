"""Run dbt as a subprocess with the project's profile and absolute paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(raw_dir: Path, warehouse_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "RAW_DIR": str(Path(raw_dir).resolve()),
            "WAREHOUSE_PATH": str(Path(warehouse_path).resolve()),
            "DBT_PROFILES_DIR": str(PROJECT_ROOT / "profiles"),
            "PWD": str(PROJECT_ROOT),
        }
    )
    if extra:
        env.update(extra)
    return env


def run_dbt(
    args: list[str],
    raw_dir: Path,
    warehouse_path: Path,
    target_path: Path | None = None,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    stream: bool = True,
    project_dir: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` in the project. Raises CcwError with dbt's own error lines on failure.

    `target_path`/`log_path` let several builds run side by side (tests, benchmarks).
    """
    project = Path(project_dir or PROJECT_ROOT)
    cmd = [dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    env = dbt_env(raw_dir, warehouse_path, extra_env)
    env["PWD"] = str(project)
    if target_path:
        env["DBT_TARGET_PATH"] = str(target_path)
    if log_path:
        env["DBT_LOG_PATH"] = str(log_path)
    Path(warehouse_path).parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if stream:
            sys.stderr.write(line)
    rc = proc.wait()
    out = "".join(lines)
    if rc != 0:
        errors = [ln.strip() for ln in lines if any(k in ln for k in ("Error", "ERROR", "FAIL", "Failure"))]
        summary = errors[-1] if errors else (lines[-1].strip() if lines else "no output")
        raise CcwError(
            f"dbt {' '.join(args[:1])} failed: {summary[:400]}",
            str(project),
            "see the dbt output above or logs/dbt.log",
        )
    return subprocess.CompletedProcess(cmd, rc, out, "")

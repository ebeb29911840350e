"""`ccw conventions`: the project's conventions, checked by dbt-bouncer.

1. `dbt parse` writes manifest.json into a throw-away target dir (never the
   project's `target/`, so it can run beside a build); a macro's YAML that
   disagrees with its definition (an argument type dbt's grammar rejects,
   names or count out of step), which dbt only warns about, is an error here;
2. with a built warehouse at hand, `dbt docs generate --no-compile` over a
   *copy* of it adds catalog.json (the columns the marts really have);
3. dbt-bouncer runs the checks of `dbt-bouncer.yml` (repo root) against them;
4. violations are printed as a table (severity, check, model, message); any
   error-severity violation exits 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from ccw.checks.report import table
from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT
from ccw.paths import warehouse_path as default_warehouse_path
from ccw.warehouse.build import clone_or_copy
from ccw.warehouse.dbt import run_dbt

CONFIG_NAME = "dbt-bouncer.yml"


@dataclass
class Violation:
    severity: str
    check: str
    model: str
    path: str
    message: str


@dataclass
class ConventionsResult:
    violations: list[Violation] = field(default_factory=list)
    checks_run: int = 0
    catalog: bool = False
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def success(self) -> bool:
        return not self.errors


def _exe(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def dbt_env(project: Path, work: Path, warehouse: Path) -> dict[str, str]:
    raw = work / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "RAW_DIR": str(raw),
            "WAREHOUSE_PATH": str(warehouse),
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_PROFILES_DIR": str(project / "profiles"),
            "PWD": str(project),
        }
    )
    env.pop("DBT_PROJECT_DIR", None)
    return env


# dbt's own check of the macros' YAML (InvalidMacroAnnotation) made an error in this gate
PARSE_WARN_ERROR = json.dumps({"error": ["InvalidMacroAnnotation"]})


# where a failed dbt step's log is kept when the gate worked in a temporary folder
KEPT_LOG = Path(".ccw-cache") / "conventions-dbt.log"


def run_dbt_quiet(args: list[str], project: Path, work: Path, warehouse: Path, keep_log: Path | None = None) -> None:
    """`dbt <args>` in `project` with its artefacts in `work` (the one dbt runner, no progress).
    On failure, `keep_log` (when given) receives dbt's log, and the error names it: `work` may be
    a temporary folder, gone by the time anyone reads the line."""
    try:
        run_dbt(args, work / "raw", warehouse, target_path=work / "target", log_path=work / "logs",
                stream=False, project_dir=project)
    except CcwError as exc:
        log = work / "logs" / "dbt.log"
        if keep_log is None or not log.is_file():
            raise
        keep_log.parent.mkdir(parents=True, exist_ok=True)
        keep_log.write_bytes(log.read_bytes())
        raise CcwError(exc.what, exc.where, f"full log: {keep_log}") from None


def bouncer_config(project: Path, work: Path, with_catalog: bool, config: Path | None = None) -> Path:
    source = config or project / CONFIG_NAME
    if not source.is_file():
        raise CcwError(f"no {CONFIG_NAME}", str(project), "create one at the repository root")
    data = yaml.safe_load(source.read_text()) or {}
    data["dbt_artifacts_dir"] = str(work / "target")
    if not with_catalog:
        data.pop("catalog_checks", None)
    out = work / CONFIG_NAME
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


def run_conventions(
    project_dir: Path | None = None,
    warehouse: Path | None = None,
    config: Path | None = None,
    work_dir: Path | None = None,
) -> ConventionsResult:
    """Parse the project (and build a catalog from a copy of `warehouse` when given), run dbt-bouncer."""
    project = Path(project_dir or PROJECT_ROOT).resolve()
    result = ConventionsResult()
    with tempfile.TemporaryDirectory(prefix="ccw-conventions-") as tmp:
        work = Path(work_dir).resolve() if work_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        wh = work / "catalog.duckdb"
        start = time.perf_counter()
        if warehouse is not None:
            # a copy: dbt opens its file read-write, and the published file is for readers
            clone_or_copy(Path(warehouse), wh)
        env = dbt_env(project, work, wh)
        keep_log = None if work_dir else project / KEPT_LOG
        run_dbt_quiet(["parse", "--warn-error-options", PARSE_WARN_ERROR], project, work, wh, keep_log)
        result.timings["dbt parse"] = time.perf_counter() - start
        if warehouse is not None:
            start = time.perf_counter()
            run_dbt_quiet(["docs", "generate", "--no-compile"], project, work, wh, keep_log)
            result.catalog = (work / "target" / "catalog.json").is_file()
            result.timings["dbt docs generate"] = time.perf_counter() - start
        cfg = bouncer_config(project, work, result.catalog, config)
        out = work / "bouncer.json"
        start = time.perf_counter()
        proc = subprocess.run(
            [_exe("dbt-bouncer"), "run", "--config-file", str(cfg), "--output-file", str(out), "--output-format", "json"],
            cwd=project,
            env={**env, "COLUMNS": "200", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
        )
        result.timings["dbt-bouncer"] = time.perf_counter() - start
        if not out.is_file():
            lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
            raise CcwError(f"dbt-bouncer failed: {' | '.join(lines[-4:])[:600]}", str(cfg), f"check {CONFIG_NAME}")
        records = json.loads(out.read_text())
    for rec in records:
        result.checks_run += 1
        if rec.get("outcome") == "success":
            continue
        run_id = str(rec.get("check_run_id", ""))
        check_name = run_id.split(":")[0]
        model = run_id.split(":")[-1] if run_id.count(":") >= 2 else str(rec.get("unique_id") or "")
        result.violations.append(
            Violation(
                severity=str(rec.get("severity") or "error"),
                check=check_name,
                model=model,
                path=str(rec.get("file_path") or ""),
                message=" ".join(str(rec.get("failure_message") or "").split()),
            )
        )
    return result


@click.command()
@click.option("--project-dir", type=click.Path(file_okay=False, exists=True), default=None, help="dbt project (default: this repository).")
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Built warehouse to take the catalog from (a copy is used). Default: $WAREHOUSE_PATH / warehouse/contact_center.duckdb when it exists.",
)
@click.option("--no-catalog", is_flag=True, help="Manifest checks only (no dbt docs generate).")
@click.option("--config", type=click.Path(dir_okay=False, exists=True), default=None, help=f"dbt-bouncer config (default: <project>/{CONFIG_NAME}).")
def conventions(project_dir: str | None, warehouse: str | None, no_catalog: bool, config: str | None) -> None:
    """Check the dbt project's conventions with dbt-bouncer: every model
    described and primary-key tested, public columns described, no source()
    past staging, layer naming prefixes, public marts with enforced contracts.

    Exits 1 with a table of violations when any error-severity check fails.
    """
    from ccw.checks.cli import GateFailed

    wh: Path | None = None
    if not no_catalog:
        if warehouse:
            wh = Path(warehouse)
        elif default_warehouse_path().is_file():
            wh = default_warehouse_path()
        else:
            click.echo("note: no built warehouse found: catalog checks skipped (manifest checks only)", err=True)
    project = Path(project_dir) if project_dir else None
    result = run_conventions(project, wh, Path(config) if config else None)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    summary = (
        f"{result.checks_run} checks{' (with catalog)' if result.catalog else ''}, "
        f"{len(result.errors)} errors, {len(result.violations) - len(result.errors)} warnings ({timing})"
    )
    if result.violations:
        rows = [(v.severity, v.check, v.model, v.message) for v in result.violations]
        click.echo(table(["severity", "check", "model", "message"], rows, [8, 44, 36, 140]))
    if result.success:
        click.echo(f"ok: {summary}")
        return
    raise GateFailed(summary)

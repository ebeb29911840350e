"""The lint gate: `sqlfluff lint models analyses` with the dbt templater.

The dbt templater compiles every model with dbt, so it needs the project's
environment: DO_NOT_TRACK=1, RAW_DIR, WAREHOUSE_PATH (a DuckDB file dbt may
open), and target/log paths. This module runs sqlfluff in throw-away paths so
that it never touches `target/`, `logs/` or the published warehouse (and can
run beside a build or a teammate's dbt run).

Run it alone:  python -m ccw.checks.lint [--project-dir DIR] [--processes N] [PATH ...]
Exit code 1 and a list `file:line:col  CODE  description` on any violation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT


@dataclass
class Violation:
    path: str
    line: int
    col: int
    code: str
    description: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}  {self.code}  {self.description}"


@dataclass
class LintResult:
    returncode: int
    violations: list[Violation]
    files: int
    seconds: float
    stderr: str
    skipped: list[str] = field(default_factory=list)
    cached: int = 0  # files not linted again: their exact inputs were lint-clean before (run_lint_cached)
    reported: list[str] = field(default_factory=list)  # the files sqlfluff's report holds

    @property
    def success(self) -> bool:
        return self.returncode == 0 and not self.violations


def sqlfluff_executable() -> str:
    candidate = Path(sys.executable).parent / "sqlfluff"
    return str(candidate) if candidate.exists() else "sqlfluff"


def lint_env(work: Path, raw_dir: Path | None = None, project_dir: Path | None = None,
             built: Path | None = None) -> dict[str, str]:
    """Environment for the dbt templater, every writable path under `work`; with `built` (a built
    warehouse), its DuckDB file is a copy of that one (the templater's dbt opens the file for
    writing, and macros query it while rendering)."""
    env = dict(os.environ)
    raw = raw_dir
    if raw is None:
        raw = work / "raw"
        raw.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "RAW_DIR": str(Path(raw).resolve()),
            "WAREHOUSE_PATH": str((work / "lint.duckdb").resolve()),
            "DBT_TARGET_PATH": str((work / "target").resolve()),
            "DBT_LOG_PATH": str((work / "logs").resolve()),
            "DBT_PROFILES_DIR": str((Path(project_dir or PROJECT_ROOT) / "profiles").resolve()),
            "PWD": str(Path(project_dir or PROJECT_ROOT).resolve()),
        }
    )
    env.pop("DBT_PROJECT_DIR", None)
    if built is not None:
        from ccw.warehouse.build import clone_or_copy  # duckdb's import only when a warehouse is copied

        clone_or_copy(Path(built), Path(env["WAREHOUSE_PATH"]))
    return env


def run_lint(
    project_dir: Path | None = None,
    paths: tuple[str, ...] = ("models", "analyses"),
    processes: int = 2,
    work_dir: Path | None = None,
    raw_dir: Path | None = None,
    built: Path | None = None,
) -> LintResult:
    """`built`: a built warehouse (with `raw_dir`, the raw folder it was built from). The
    templater then compiles against a copy of it, so an incremental model renders its
    incremental branch (is_incremental() is true when the model's table exists), as on a
    daily load; without it every model renders as on a first build. `work_dir`: where dbt's
    target, logs and throw-away DuckDB file go (default: a temporary folder); one kept
    between runs lets dbt parse only the files that changed (partial parsing), about 5 s
    less per run."""
    project = Path(project_dir or PROJECT_ROOT).resolve()
    existing = [p for p in paths if (project / p).exists()]
    with tempfile.TemporaryDirectory(prefix="ccw-lint-") as tmp:
        work = Path(work_dir) if work_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        env = lint_env(work, raw_dir, project, built)
        if not existing:
            return LintResult(0, [], 0, 0.0, "")
        cmd = [sqlfluff_executable(), "lint", *existing, "--format", "json", "--processes", str(processes), "--disable-progress-bar"]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    violations: list[Violation] = []
    files = 0
    out = proc.stdout.strip()
    try:
        # the JSON document is the last line; dbt may log before it
        report = json.loads(out.splitlines()[-1]) if out else []
    except (json.JSONDecodeError, IndexError):
        report = None
    if report is None:
        return LintResult(proc.returncode or 2, [], 0, seconds, (proc.stderr + proc.stdout)[-4000:])
    reported: list[str] = []
    for entry in report:
        files += 1
        reported.append(str(entry.get("filepath", "?")))
        for v in entry.get("violations", []):
            violations.append(
                Violation(
                    entry.get("filepath", "?"),
                    int(v.get("start_line_no") or v.get("line_no") or 0),
                    int(v.get("start_line_pos") or v.get("line_pos") or 0),
                    str(v.get("code", "?")),
                    " ".join(str(v.get("description", "")).split()),
                )
            )
    # files the templater skipped (disabled models, ...): said, never hidden
    skipped = [ln.strip() for ln in proc.stderr.splitlines() if "Skipped file" in ln]
    return LintResult(proc.returncode, violations, files, seconds, proc.stderr[-4000:], skipped, reported=reported)


# a change to any of these can change how every model renders or is judged: lint all
LINT_WIDE_INPUTS = ("macros/", ".sqlfluff", ".sqlfluffignore", "dbt_project.yml", "seeds/", "profiles/")


# ----------------------------------------------------------------- clean-file cache
# A file whose every input is byte for byte what it was when it last linted clean is
# clean again: sqlfluff is deterministic. A file's inputs are its own text and what
# can change how it renders or is judged: the tool versions, the lint config (every
# .sqlfluff), macros, seeds, profiles, dbt_project.yml, every YAML under models/ and
# analyses/ (configs, sources), and every model's config() call (another model's
# alias or schema reaches this file through ref()). No library keeps such a cache for
# sqlfluff (it has none of its own), so this is ~40 lines here. Only clean results are
# kept: a file with a violation is linted again every time, and --incremental (which
# renders against a built warehouse) is never cached.

LINT_CACHE = Path(".ccw-cache") / "lint-clean.json"
_CONFIG_CALL = re.compile(r"\{\{-?\s*config\((.*?)\)\s*-?\}\}", re.S)


def _tool_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for dist in ("sqlfluff", "sqlfluffrs", "sqlfluff-templater-dbt", "dbt-core", "dbt-duckdb"):
        try:
            found.append(f"{dist}=={version(dist)}")
        except PackageNotFoundError:
            found.append(f"{dist} absent")
    return ";".join(found)


def sql_files(project: Path, paths: tuple[str, ...]) -> list[str]:
    """The .sql files sqlfluff lints for `paths` (files or folders), relative to `project`."""
    found: set[str] = set()
    for p in paths:
        full = project / p
        if full.is_file():
            found.add(Path(p).as_posix())
        elif full.is_dir():
            found.update(f.relative_to(project).as_posix() for f in full.rglob("*.sql")
                         if not any(part in {"target", "dbt_packages", "logs"} for part in f.parts))
    return sorted(found)


def wide_inputs_digest(project: Path) -> str:
    """One digest of every input that can reach every file's lint result (see above)."""
    h = hashlib.sha256(_tool_versions().encode())
    files: list[Path] = []
    for name in LINT_WIDE_INPUTS:  # what --changed lints everything for: folders end in "/"
        if name.endswith("/"):
            files.extend(f for f in sorted((project / name).rglob("*")) if f.is_file())
        elif (project / name).is_file():
            files.append(project / name)
    for folder in ("models", "analyses"):
        files.extend(f for f in sorted((project / folder).rglob("*"))
                     if f.is_file() and (f.suffix in {".yml", ".yaml"} or f.name == ".sqlfluff"))
    for f in files:
        h.update(f.relative_to(project).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for sql in sql_files(project, ("models", "analyses")):
        for call in _CONFIG_CALL.findall((project / sql).read_text(errors="replace")):
            h.update(sql.encode() + b"\0" + call.encode() + b"\0")
    return h.hexdigest()


def file_key(project: Path, path: str, wide: str) -> str:
    return hashlib.sha256(wide.encode() + path.encode() + b"\0" + (project / path).read_bytes()).hexdigest()


def run_lint_cached(project: Path, paths: tuple[str, ...], processes: int = 2) -> LintResult:
    """run_lint over only the files of `paths` whose inputs changed since they last linted
    clean (LINT_CACHE under the project: a file's path and the key of its clean inputs);
    the files that lint clean now are remembered, those with a violation forgotten."""
    project = Path(project).resolve()
    cache_file = project / LINT_CACHE
    try:
        clean = dict(json.loads(cache_file.read_text())["clean"])
    except (OSError, ValueError, KeyError, TypeError):
        clean = {}
    start = time.perf_counter()
    wide = wide_inputs_digest(project)
    keys = {path: file_key(project, path, wide) for path in sql_files(project, paths)}
    todo = tuple(path for path, key in keys.items() if clean.get(path) != key)
    if not todo:
        return LintResult(0, [], len(keys), time.perf_counter() - start, "", cached=len(keys))
    # dbt's target path and environment kept between runs (partial parsing), one lint at a
    # time: a second lint meanwhile in the same checkout takes throw-away ones (filelock)
    from filelock import FileLock, Timeout

    cache_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(cache_file.parent / "lint-work.lock"))
    try:
        lock.acquire(timeout=0)
        work = cache_file.parent / "lint-work"
    except Timeout:
        work = None
    try:
        # a worker process costs ~3 s to start (sqlfluff spawns them): not worth it for a few files
        result = run_lint(project, todo, processes if len(todo) >= 4 else 1, work_dir=work)
    finally:
        if work is not None:
            lock.release()
    if result.returncode in (0, 1) and result.files:  # sqlfluff ran and reported (2 or no report: keep nothing new)
        # remembered: a file the report holds without a violation (never one it left out)
        seen = {os.path.relpath(project / path, project) for path in result.reported}
        dirty = {os.path.relpath(project / v.path, project) for v in result.violations}
        for path in todo:
            if path in seen and path not in dirty:
                clean[path] = keys[path]
            else:
                clean.pop(path, None)
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"clean": sorted(clean.items())}, indent=0))
        tmp.replace(cache_file)
    result.seconds = time.perf_counter() - start
    result.cached = len(keys) - len(todo)
    result.files += result.cached
    return result


def incremental_models(manifest: Path) -> tuple[str, ...]:
    """The project's incremental models (their SQL files), from a dbt manifest.json."""
    try:
        nodes = json.loads(Path(manifest).read_text())["nodes"].values()
    except (OSError, ValueError, KeyError) as exc:
        raise CcwError(f"cannot read the dbt manifest: {exc}", str(manifest),
                       "build the warehouse first (`ccw build`)") from None
    return tuple(sorted(n["original_file_path"] for n in nodes
                        if n.get("resource_type") == "model" and n.get("config", {}).get("materialized") == "incremental"))


def changed_paths(project: Path, base: str = "HEAD") -> tuple[str, ...] | None:
    """The SQL files under models/ and analyses/ that differ from `base` (committed,
    staged, unstaged or untracked), for a quick lint while working; None when a
    change reaches every model (a macro, the sqlfluff config, the project file):
    then everything must be linted. Raises CcwError outside a git checkout."""

    def git(*args: str) -> list[str]:
        proc = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CcwError(f"git {' '.join(args)} failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}",
                           str(project), "run `ccw lint` without --changed outside a git checkout")
        return [ln for ln in proc.stdout.splitlines() if ln.strip()]

    names = set(git("diff", "--name-only", base)) | set(git("ls-files", "--others", "--exclude-standard"))
    if any(n.startswith(LINT_WIDE_INPUTS) or n.endswith("/.sqlfluff") for n in names):
        return None
    return tuple(sorted(n for n in names if n.endswith(".sql") and n.startswith(("models/", "analyses/"))
                        and (project / n).exists()))


def summarize(result: LintResult) -> str:
    lines = [str(v) for v in result.violations]
    lines.extend(f"note: {ln}" for ln in result.skipped)
    by_code: dict[str, int] = {}
    for v in result.violations:
        by_code[v.code] = by_code.get(v.code, 0) + 1
    counts = ", ".join(f"{k}: {n}" for k, n in sorted(by_code.items(), key=lambda kv: -kv[1]))
    if result.violations:
        lines.append(
            f"{len(result.violations)} violations in {len({v.path for v in result.violations})} of {result.files} files"
            f" ({counts}) in {result.seconds:.1f}s"
        )
    elif result.returncode != 0:
        tail = [ln for ln in result.stderr.splitlines() if ln.strip()][-15:]
        lines.append("sqlfluff failed without a report:")
        lines.extend("  " + ln for ln in tail)
    else:
        lines.append(f"ok: {result.files} file{'s' if result.files != 1 else ''} lint-clean in {result.seconds:.1f}s")
    if result.cached:
        lines.append(f"note: {result.cached} of the {result.files} files unchanged since they last linted clean:"
                     f" not linted again ({LINT_CACHE}; --no-cache lints every file)")
    return "\n".join(lines)


@click.command()
@click.option("--project-dir", type=click.Path(file_okay=False, exists=True), default=None, help="dbt project (default: this repo).")
@click.option("--processes", type=int, default=2, show_default=True, help="sqlfluff worker processes.")
@click.option("--changed", is_flag=True, help="Only the models and analyses changed since HEAD (git), "
              "the quick check while working; everything when a macro or the lint config changed.")
@click.option("--base", default="HEAD", show_default=True, help="With --changed: the commit to compare with (e.g. origin/main).")
@click.option("--incremental", is_flag=True, help="Lint the incremental models as a daily load renders them "
              "(their incremental branch), against a copy of the built warehouse (WAREHOUSE_PATH, RAW_DIR, "
              "ccw build's manifest): run it after `ccw build`.")
@click.option("--no-cache", is_flag=True, help="Lint every file, also those unchanged since they last "
              "linted clean (by default they are not linted again; the cache is .ccw-cache/lint-clean.json).")
@click.argument("paths", nargs=-1)
def main(project_dir: str | None, processes: int, changed: bool, base: str, incremental: bool,
         no_cache: bool, paths: tuple[str, ...]) -> None:
    """Lint models/ and analyses/ (or PATHS) with sqlfluff and the dbt templater.

    The whole project takes about 36 s on two cores (dbt compiles every file);
    a file whose inputs are unchanged since it last linted clean is not linted
    again, and --changed lints only what you changed since HEAD. Every model is
    rendered as on a first build; --incremental lints the incremental models as
    a daily load renders them. CI lints both, without the cache."""
    project = Path(project_dir).resolve() if project_dir else PROJECT_ROOT
    raw, built = None, None
    if incremental:
        from ccw.paths import raw_dir, warehouse_path

        if changed or paths:
            raise CcwError("--incremental lints every incremental model", "ccw lint", "give it without --changed or PATHS")
        raw, built = raw_dir(), warehouse_path()
        if not built.is_file():
            raise CcwError("no built warehouse to render the incremental branches against", str(built),
                           "run `ccw build` first (or set WAREHOUSE_PATH)")
        paths = incremental_models(project / "target" / "ccw-build" / "manifest.json")
    elif changed:
        if paths:
            raise CcwError("--changed and PATHS given together", "ccw lint", "give one or the other")
        found = changed_paths(project, base)
        if found == ():
            click.echo(f"ok: no model or analysis changed since {base}")
            return
        if found is None:
            click.echo(f"a macro or the lint config changed since {base}: linting everything", err=True)
        paths = found or ()
    if incremental or no_cache:
        result = run_lint(project, paths or ("models", "analyses"), processes, raw_dir=raw, built=built)
    else:
        result = run_lint_cached(project, paths or ("models", "analyses"), processes)
    click.echo(summarize(result))
    if not result.success:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Run dbt as a subprocess with the project's profile and absolute paths.

dbt runs in `ccw.warehouse.dbt_child`: its events at info level and above
come down our pipe as the JSON lines of `dbt --log-format json`, and only
those are turned into JSON (why: that module); dbt's full text log goes to
`<log path>/dbt.log` as usual. The terminal shows progress
(nodes done / total, the node running, elapsed) — a live bar on a terminal,
a plain line every few seconds otherwise, never ANSI codes off a terminal —
plus dbt's warnings. A failure becomes one line: what failed, where (file,
model or test) and how to fix it, taken from dbt's error event or
`run_results.json`, never dbt's summary line.

rich draws the bar (a well-kept library); the plain mode is a few lines of
our own because rich, off a terminal, prints nothing until the end.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
    env.pop("DBT_TARGET", None)  # builds write: always the dev target
    if extra:
        env.update(extra)
    return env


class Progress:
    """Nodes done / total on stderr: a rich bar on a terminal, plain lines otherwise."""

    def __init__(self, enabled: bool, label: str):
        self.enabled = enabled
        self.label = label
        self.start = time.monotonic()
        self.done = 0
        self.total = 0
        self.current = ""
        self.last_line = 0.0
        self.tty = enabled and sys.stderr.isatty() and not os.environ.get("NO_COLOR")
        self._bar = None
        self._task = None
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[node]}"), console=Console(stderr=True), transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(label, total=None, node="")

    def started(self, node: str, total: int) -> None:
        self.current = node if len(node) <= 48 else node[:47] + "…"
        self.total = max(self.total, total)
        self._refresh()

    def finished(self, node: str, total: int) -> None:
        self.done += 1
        self.total = max(self.total, total)
        self._refresh()

    def say(self, line: str) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            sys.stderr.write(line + "\n")

    def _refresh(self) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, total=self.total or None, node=self.current)
            return
        now = time.monotonic()
        if now - self.last_line >= 5 or (self.total and self.done == self.total):
            self.last_line = now
            sys.stderr.write(f"{self.label}: {self.done}/{self.total or '?'} nodes, "
                             f"{now - self.start:.0f}s, running {self.current}\n")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _first_message_line(text: str) -> str:
    """The line of a dbt error that says what is wrong (not dbt's 'Compilation Error in ...' header)."""
    lines = [_ANSI.sub("", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(">") and not ln.startswith("[ERROR]")
             and not ln.startswith("Encountered an error")]
    body = [ln for ln in lines if not re.match(r"^(Compilation|Runtime|Database|Parsing) Error( in .*)?$", ln)]
    return (body or lines or ["no message"])[0]


def _failed_node(target_path: Path) -> tuple[str, str, str] | None:
    """(what, where, fix) for the first failed node of run_results.json, if any."""
    results_file = target_path / "run_results.json"
    if not results_file.exists():
        return None
    results = json.loads(results_file.read_text()).get("results", [])
    failed = [r for r in results if r.get("status") in ("error", "fail", "runtime error")]
    if not failed:
        return None
    first = failed[0]
    uid = first.get("unique_id", "")
    name = uid.split(".")[-1] if uid else "a node"
    where = uid
    manifest = target_path / "manifest.json"
    if manifest.exists():
        loaded = json.loads(manifest.read_text())
        node = loaded.get("nodes", {}).get(uid) or loaded.get("unit_tests", {}).get(uid) or {}
        where = node.get("original_file_path") or uid
        name = node.get("name") or name
    message = _first_message_line(first.get("message") or "")
    if first.get("failures"):
        message = f"{first['failures']} failing row(s)"
    more = f" (and {len(failed) - 1} more failed)" if len(failed) > 1 else ""
    if uid.startswith("operation."):  # on-run-start: the project's own checks say what, where and how
        return (message + more, None, None)
    if uid.startswith("test."):
        return (f"data test {name} failed: {message}{more}", where,
                f"inspect it with `dbt test --select {name} --store-failures` or read logs/dbt.log")
    if uid.startswith("unit_test."):
        return (f"unit test {name} failed{more}", where, f"run `dbt test --select {name}` to see the differing rows")
    if "schemas on this incremental model are out of sync" in message:
        return (f"model {name}: its columns changed since the warehouse was built (a project upgrade){more}", where,
                "rebuild once with `ccw build --full-refresh` (raw files are kept; every table is recomputed)")
    return (f"{uid.split('.')[0] or 'node'} {name} failed: {message}{more}", where, "read logs/dbt.log for the full error")


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
    """Run `dbt <args>` in the project. Progress goes to stderr when `stream`;
    a failure raises CcwError with one line. Returns dbt's messages as stdout (plain text).

    `target_path`/`log_path` let several builds run side by side (tests, benchmarks).
    """
    project = Path(project_dir or PROJECT_ROOT)
    # -P: the working folder (the project, maybe a copy holding part of ccw/) is not put
    # on sys.path, as it is not for the `dbt` script: the installed ccw is the one run
    cmd = [sys.executable, "-P", "-m", "ccw.warehouse.dbt_child", *args, "--project-dir", str(project),
           "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    env = dbt_env(raw_dir, warehouse_path, extra_env)
    env["PWD"] = str(project)
    if target_path:
        env["DBT_TARGET_PATH"] = str(target_path)
    if log_path:
        env["DBT_LOG_PATH"] = str(log_path)
    Path(warehouse_path).parent.mkdir(parents=True, exist_ok=True)
    results_dir = Path(target_path) if target_path else project / "target"
    stale = results_dir / "run_results.json"
    if stale.exists():
        stale.unlink()
    progress = Progress(stream, f"dbt {args[0]}")
    messages: list[str] = []
    errors: list[str] = []
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    assert proc.stdout is not None
    try:
        for raw_line in proc.stdout:
            try:
                event = json.loads(raw_line)
                info, data = event["info"], event.get("data", {})
            except (ValueError, KeyError, TypeError):
                messages.append(raw_line.rstrip("\n"))  # not an event (a crash before logging started)
                continue
            msg = _ANSI.sub("", info.get("msg") or "")
            messages.append(msg)
            node = (data.get("node_info") or {}).get("node_name", "")
            total = data.get("total", data.get("num_models"))  # test results say num_models
            if "index" in data and total and node:
                if info["name"] in ("LogStartLine", "LogHookStartLine"):
                    progress.started(node, int(total))
                elif info["name"].endswith("Result") or info["name"] == "LogHookEndLine":
                    progress.finished(node, int(total))
            if info.get("level") == "error":
                errors.append(msg)
            elif info.get("level") == "warn" and msg.strip():
                progress.say(f"warning: {_first_message_line(msg)}")
    finally:
        rc = proc.wait()
        progress.close()
    out = "\n".join(messages)
    if rc != 0:
        failed = _failed_node(results_dir)
        if failed:
            raise CcwError(*failed)
        # an error before any node ran (the project's own checks in on-run-start, a parse error):
        # its message says what and how; the log has the rest
        detail = next((e for e in errors if e.strip()), "") or (messages[-1] if messages else "no output")
        raise CcwError(_first_message_line(detail)[:600], None,
                       f"full log: {Path(log_path or project / 'logs') / 'dbt.log'}")
    return subprocess.CompletedProcess(cmd, rc, out, "")


class DbtSession:
    """dbt in this process, for many short invocations on one parsed project
    (the day-by-day replay: parsing once saves dbt's fixed cost per load).

    Same environment as `run_dbt` (dbt_env), set for the session's duration
    and restored after; same one-line error on failure. Builds that publish
    use `run_dbt` (a subprocess: progress events, a crash cannot take the
    caller down).
    """

    def __init__(self, raw_dir: Path, warehouse_path: Path, target_path: Path, log_path: Path,
                 project_dir: Path | None = None):
        self.project = Path(project_dir or PROJECT_ROOT).resolve()
        self.env = dbt_env(raw_dir, warehouse_path)
        self.env["PWD"] = str(self.project)
        self.log_path = Path(log_path)
        self.common = ["--profiles-dir", str(PROJECT_ROOT / "profiles"), "--project-dir", str(self.project),
                       "--target-path", str(target_path), "--log-path", str(log_path), "--quiet"]
        if not sys.stdout.isatty():  # dbt's lines about failed nodes, without colour codes in a pipe or file
            self.common.append("--no-use-colors")
        self._saved: dict[str, str | None] = {}
        self._runner = None

    def __enter__(self) -> DbtSession:
        from dbt.cli.main import dbtRunner

        self._saved = {k: os.environ.get(k) for k in [*self.env, "DBT_TARGET"]}
        os.environ.update(self.env)
        os.environ.pop("DBT_TARGET", None)  # builds write: always the dev target
        parsed = dbtRunner().invoke(["parse", *self.common])
        if not parsed.success:
            self.__exit__()
            raise CcwError("dbt parse failed", str(self.project), f"see {self.log_path / 'dbt.log'}")
        self._runner = dbtRunner(manifest=parsed.result)
        return self

    def __exit__(self, *exc: object) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def invoke(self, args: list[str], what: str | None = None) -> None:
        """Run `dbt <args>`; raise CcwError naming `what` (default: the command) on failure."""
        assert self._runner is not None, "use DbtSession as a context manager"
        result = self._runner.invoke([*args, *self.common])
        if not result.success:
            raise CcwError(f"{what or 'dbt ' + ' '.join(args)} failed", str(self.project),
                           f"see {self.log_path / 'dbt.log'}")

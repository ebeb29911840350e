"""Slow preparations that run beside the tests, started when the session starts.

The rest of the suite runs one test at a time, dbt in a subprocess, and keeps
about one of CI's 2 cores busy. The Spark comparison's builds (about 9 minutes
of wall time, most of 2 cores while they run) need no other test's output, so
they use the other core: `conftest.py` starts them in a thread as soon as the
first test runs, when a selected test needs them, and the fixture that the
tests use waits for the result (`Background.result`).

Threads of the standard library's `concurrent.futures`, not pytest-xdist: the
work is subprocesses (the GIL is not held while they run), and workers of
xdist would each build the session's shared warehouses, and run tests that
share the project's default dbt target folder at the same time.

A job runs its commands through `Background.popen`, so that a session that
ends early (a failure with `-x`, Ctrl-C) stops them instead of waiting.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Background:
    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ccw-background")
        self._jobs: dict[str, Future[Any]] = {}
        self._procs: list[subprocess.Popen[str]] = []
        self._lock = threading.Lock()
        self._closing = False

    def start(self, name: str, job: Callable[..., Any], *args: Any) -> None:
        """Run `job(self, *args)` in a thread; `result(name)` waits for what it returns."""
        self._jobs[name] = self._pool.submit(job, self, *args)

    def result(self, name: str) -> Any:
        """What job `name` returned, once it has finished (its exception, if it raised)."""
        if name not in self._jobs:
            raise KeyError(f"no background job {name!r} was started (conftest.py starts them)")
        return self._jobs[name].result()

    def popen(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[str]:
        """subprocess.Popen, remembered so that `close` can stop it."""
        with self._lock:
            if self._closing:
                raise RuntimeError("the test session is ending: no new background command")
            proc = subprocess.Popen(cmd, text=True, **kwargs)
            self._procs.append(proc)
        return proc

    def run(self, cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """subprocess.run(capture_output=True), through `popen`."""
        proc = self.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
        out, err = proc.communicate()
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)

    def close(self) -> None:
        """Stop the commands still running (a session that ended early) and wait for the threads."""
        with self._lock:
            self._closing = True
            for proc in self._procs:
                if proc.poll() is None:
                    proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)

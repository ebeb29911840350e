"""`python -m ccw.warehouse.dbt_child <dbt args>`: dbt as `run_dbt` runs it, with its events
turned into JSON only when someone reads them.

dbt's JSON logger (`--log-format json`, which run_dbt used to read progress
from) builds the JSON line of every event before asking the level whether to
write it: each query a node runs fires two debug events with its SQL, each
turned into JSON for the terminal and for `dbt.log` and, on the terminal,
thrown away. At a year of a 300-agent centre that was a tenth of a day's
load: from the same N-1 warehouse on 2 cores, the load (side-file copy
left out) took 36.7-42.2 s (52.1-56.5 s of CPU, 6 runs) that way and
33.7-34.0 s (49.1-49.9 s of CPU, 3 runs) this way (issue 17;
benchmarks/results.md). Here dbt's
terminal logger is off and one callback (dbtRunner's documented hook):

- writes the events at info level and above, and only those, to stdout as
  the same JSON lines `dbt --log-format json` prints (run_dbt's progress and
  one-line errors read them);
- with CCW_DBT_SQL_TIMINGS=<file>, appends each query's elapsed time and
  node to that file (the benchmark's split of node time into SQL and dbt's
  own work: ccw.bench.build.dbt_sql_seconds).

dbt's own file log stays as a hand-run dbt writes it: `<log path>/dbt.log`,
every event with each query's SQL, in dbt's text format, without colour
codes. A text line is a timestamp and the message: the log costs about 1 s
of that load (32.8-32.9 s without any file log). Exit codes are dbt's: 0
success, 1 a node failed, 2 dbt stopped with an error.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

# the events a reader sees: dbt's terminal shows these at its default level (info)
SHOWN_LEVELS = frozenset({"info", "warn", "error"})
SQL_TIMINGS_NAME = "sql-timings.jsonl"  # the benchmark's CCW_DBT_SQL_TIMINGS, in a build's log folder


class EventSink:
    """dbt's event callback: the shown events as JSON lines to `out`, the queries' timings to
    `timings`. Called from dbt's worker threads: one lock orders the lines."""

    def __init__(self, out: TextIO, timings: TextIO | None):
        from dbt_common.events.functions import env_scrubber, msg_to_dict
        from dbt_common.events.logger import ForgivingJSONEncoder

        self.out, self.timings = out, timings
        self._to_dict, self._scrub, self._encoder = msg_to_dict, env_scrubber, ForgivingJSONEncoder
        self.lock = threading.Lock()
        self.errors = 0

    def __call__(self, msg: Any) -> None:
        info = msg.info
        if info.level not in SHOWN_LEVELS:
            if self.timings is not None and info.name == "SQLQueryStatus":
                node = msg.data.node_info.unique_id if msg.data.HasField("node_info") else None
                line = json.dumps({"info": {"name": info.name, "invocation_id": info.invocation_id},
                                   "data": {"elapsed": msg.data.elapsed, "node_info": {"unique_id": node}}})
                with self.lock:
                    self.timings.write(line + "\n")
            return
        # what dbt's JSON logger writes (dbt_common.events.logger._JsonLogger.create_line)
        line = self._scrub(json.dumps(self._to_dict(msg), sort_keys=True, cls=self._encoder))
        with self.lock:
            if info.level == "error":
                self.errors += 1
            self.out.write(line + "\n")
            self.out.flush()

    def error(self, text: str) -> None:
        """An error dbt did not report as an event (it stopped before its loggers existed)."""
        line = json.dumps({"info": {"name": "CcwDbtError", "level": "error", "msg": text}, "data": {}})
        with self.lock:
            self.errors += 1
            self.out.write(line + "\n")
            self.out.flush()


def main(argv: list[str]) -> int:
    from dbt.cli.main import dbtRunner

    timings_path = os.environ.get("CCW_DBT_SQL_TIMINGS")
    if timings_path:
        Path(timings_path).parent.mkdir(parents=True, exist_ok=True)
    timings = open(timings_path, "a", encoding="utf-8") if timings_path else None  # noqa: SIM115 - closed below
    sink = EventSink(sys.stdout, timings)
    # the terminal's logger off (the sink prints); the file log at debug in dbt's text format (named:
    # --log-level would otherwise turn it off too)
    args = [*argv, "--log-level", "none", "--log-level-file", "debug", "--log-format-file", "debug",
            "--no-use-colors-file"]
    try:
        result = dbtRunner(callbacks=[sink]).invoke(args)
    finally:
        if timings is not None:
            timings.close()
    if result.success:
        return 0
    if result.exception is not None:
        if not sink.errors:
            sink.error(f"dbt stopped: {type(result.exception).__name__}: {result.exception}")
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How `run_dbt` runs dbt (ccw/warehouse/dbt_child.py): its events at info level and above
as dbt's own JSON lines, debug events never turned into JSON, queries' timings only on
request, dbt's exit codes kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from ccw.bench.build import dbt_sql_seconds
from ccw.errors import CcwError
from ccw.warehouse.dbt import run_dbt
from ccw.warehouse.dbt_child import SQL_TIMINGS_NAME, EventSink
from dbt.adapters.events.types import SQLQuery, SQLQueryStatus
from dbt.events.types import LogStartLine, MainEncounteredError
from dbt_common.events.base_types import msg_from_base_event
from dbt_common.events.functions import env_scrubber
from dbt_common.events.logger import LineFormat, LoggerConfig, _JsonLogger

NODE = {"unique_id": "model.contact_center.fct_contacts", "node_name": "fct_contacts"}


def test_shown_events_are_dbts_json_lines_and_debug_events_only_timings(tmp_path: Path) -> None:
    out = io.StringIO()
    timings = (tmp_path / "logs" / SQL_TIMINGS_NAME)
    timings.parent.mkdir()
    with timings.open("a") as fh:
        sink = EventSink(out, fh)
        start = msg_from_base_event(LogStartLine(description="sql table model fct_contacts", index=1, total=3,
                                                 node_info=NODE))
        query = msg_from_base_event(SQLQuery(conn_name="fct_contacts", sql="select 1", node_info=NODE))
        status = msg_from_base_event(SQLQueryStatus(status="OK", elapsed=1.25, node_info=NODE))
        own = msg_from_base_event(SQLQueryStatus(status="OK", elapsed=9.0))  # the connection's own query
        error = msg_from_base_event(MainEncounteredError(exc="boom"))
        for msg in (start, query, status, own, error):
            sink(msg)
    # the terminal's lines: exactly what `dbt --log-format json` prints, shown events only
    dbts_own = _JsonLogger(LoggerConfig(name="x", line_format=LineFormat.Json, scrubber=env_scrubber))
    lines = out.getvalue().splitlines()
    assert lines == [dbts_own.create_line(start), dbts_own.create_line(error)]
    assert [json.loads(line)["info"]["name"] for line in lines] == ["LogStartLine", "MainEncounteredError"]
    assert sink.errors == 1
    # the queries' timings, read back by the benchmark's split
    assert dbt_sql_seconds(tmp_path / "logs", status.info.invocation_id) == {NODE["unique_id"]: 1.25}
    assert len(timings.read_text().splitlines()) == 2, "one line per finished query, none per started one"


def test_without_a_timings_file_debug_events_leave_no_trace(tmp_path: Path) -> None:
    out = io.StringIO()
    sink = EventSink(out, None)
    sink(msg_from_base_event(SQLQueryStatus(status="OK", elapsed=1.25, node_info=NODE)))
    assert out.getvalue() == "" and sink.errors == 0


def test_an_error_dbt_reports_without_an_event_is_one_line(tmp_path: Path) -> None:
    """dbt stopping on its command line (before any event): exit code 2, and run_dbt's one
    line carries dbt's reason."""
    with pytest.raises(CcwError, match="no-such-option") as exc:
        run_dbt(["build", "--no-such-option"], tmp_path, tmp_path / "w.duckdb", target_path=tmp_path / "target",
                log_path=tmp_path / "logs", stream=False)
    assert "\n" not in exc.value.one_line()

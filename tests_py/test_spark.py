"""The same warehouse on Spark (issue 15): a fixture raw folder built on DuckDB
and on Spark (dbt-spark, `method: session`, a local SparkSession) gives the
same marts and reconciliation tables, value for value; loading its last day
on Spark then gives what a full build of every day gives, and a load leaves
the date partitions outside its window as they were. The builds run in the
background from the session's start (tests_py/spark_engines.py).

The folder: a simulated centre with a high messiness rate (duplicates, junk
rows with reason codes, late rows in later days' files, stale versions, enum
noise, orphans), New York telephony across the 2026-03-08 spring-forward
gap and Zurich reporting, one entity's files as Parquet, and a messages file
with records that do not split into fields.

Marker `spark`: needs PySpark and Java 17 (scripts/test.sh installs them);
`pytest -m "not spark"` leaves these out.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from ccw.warehouse.engines import compare_tables

from spark_engines import DAYS, RERUN, tables_of
from staging_fixture import rejected_rows_differences

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def engines(background) -> dict:
    """The builds of spark_engines.prepare_engines, started by conftest.py when the session started."""
    if shutil.which("java") is None:
        pytest.fail("no java on PATH: the Spark target needs a Java 17 runtime (bash scripts/setup.sh --spark)")
    return background.result("spark")


MARTS = ("marts",)
# windowed models partitioned by their reporting date on Spark (load_window_config)
WINDOWED_BY_DATE = ("fct_agent_daily", "fct_contacts", "fct_queue_daily", "fct_queue_interval", "fct_centre_interval",
                    "int_contacts_unioned", "int_contacts_fcr_flagged", "int_contact_sla", "int_conversations_measured",
                    "int_call_legs_assembled", "int_workforce_day_split")


def test_every_mart_is_identical_on_both_engines(engines: dict):
    tables = [t for t in tables_of(engines["duckdb_first"], MARTS)]
    assert "marts.fct_agent_daily" in tables and len(tables) >= 15
    diffs = compare_tables(engines["duckdb_first"], engines["spark_first"], tables)
    assert all(d.duckdb_rows > 0 for d in diffs if not d.table.startswith("marts.fct_kpi_alerts")), diffs
    assert [d for d in diffs if not d.identical] == []


def test_reconciliation_tables_are_identical_on_both_engines(engines: dict):
    tables = ["staging.stg_row_reconciliation", "staging.stg_rejected_rows"]
    # raw_record_hash: a number on DuckDB, hex text on Spark (staging_record_hash)
    diffs = compare_tables(engines["duckdb_first"], engines["spark_first"], tables, exclude_columns=("raw_record_hash",))
    assert all(d.duckdb_rows > 0 for d in diffs), diffs
    assert [d for d in diffs if not d.identical] == []


def test_the_fixture_has_what_the_comparison_must_cover(engines: dict):
    with duckdb.connect(str(engines["duckdb_first"]), read_only=True) as con:
        reasons = {r[0] for r in con.execute("select distinct reason_code from staging.stg_rejected_rows").fetchall()}
        malformed = con.execute("select count(*) from raw.malformed_rows").fetchone()[0]
        dst = con.execute("select count(*) from staging.stg_telephony__calls where call_id like 'CDST%'").fetchone()[0]
        dst_contacts = con.execute("select count(*) from marts.fct_contacts where contact_id like '%CDST%'").fetchone()[0]
    assert len(reasons) >= 5, reasons
    assert malformed == 2
    assert (dst, dst_contacts) == (3, 3)  # the DST calls are accepted and reach the marts compared
    assert any((engines["first_raw"] / "survey" / "responses").glob("*.parquet"))


def test_the_spark_build_ran_its_data_tests_green(engines: dict):
    """Every node of the Spark build passed, its data tests included (as many as dbt found, and
    as many as the DuckDB build of the same folder found: no count written in here, which the
    project's test consolidations kept breaking), and it passed as many nodes as the DuckDB build."""
    def summary(log: str) -> tuple[int, int, int, int]:
        found = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", strip_ansi(log))
        assert found, log[-2000:]
        return tuple(int(g) for g in found.groups())

    passed, _, errors, skipped = summary(engines["spark_log"])
    def data_tests_found(log: str) -> int:
        return int(re.search(r"(\d+) data tests", strip_ansi(log)).group(1))

    data_tests = data_tests_found(engines["spark_log"])
    assert data_tests > 0 and data_tests == data_tests_found(engines["duckdb_log"])
    assert (errors, skipped) == (0, 0) and passed > data_tests
    assert passed == summary(engines["duckdb_log"])[0]


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_day_by_day_loads_on_spark_equal_one_full_spark_build(engines: dict):
    """The first DAYS-1 days as a first build, then the last day's files as an incremental `dbt run`,
    then a run with no new file (below), all in spark_engines.prepare_engines, against a DuckDB full
    build of every day. One day's load, not two: each Spark invocation costs minutes here, and the
    day-by-day replay of a month runs on DuckDB (test_incremental.py) through the same models."""
    # the replayed Spark marts against the DuckDB full build (itself identical to the Spark full build)
    tables = tables_of(engines["duckdb"], MARTS)
    spark_dir = engines["spark_loaded"]
    diffs = compare_tables(engines["duckdb"], spark_dir, tables)
    assert [d for d in diffs if not d.identical] == []
    # stg_rejected_rows is incremental too (replace_rejected_rows on Spark: one rewrite); each
    # build names its own raw folder, and raw_record_hash is a number on DuckDB, hex text on Spark
    spark_rejected = f"read_parquet('{spark_dir / 'staging.db' / 'stg_rejected_rows' / '*.parquet'}')"
    assert rejected_rows_differences(("w.staging.stg_rejected_rows", engines["raw"]),
                                     (spark_rejected, engines["first_raw"]),
                                     {"w": engines["duckdb"]}, with_hash=False) == (0, 0)

    # the windowed tables are laid out by activity date, one folder per day the table holds
    partitioned = {p.name: p for p in spark_dir.glob("*.db/*") if any(p.glob("activity_date=*"))}
    assert set(WINDOWED_BY_DATE) <= set(partitioned), sorted(partitioned)
    assert "int_messages_sessionized" not in partitioned  # no reporting-date column: rewritten whole
    with duckdb.connect(str(engines["duckdb"]), read_only=True) as con:
        mart_days = {str(r[0]) for r in con.execute("select distinct activity_date from marts.fct_agent_daily").fetchall()}
    assert {p.name.split("=", 1)[1] for p in partitioned["fct_agent_daily"].glob("activity_date=*")} == mart_days

    # a load replaces only the days of its window: with no new file the window is empty, and
    # windowed models run again leave every partition's files as they were
    assert strip_ansi(engines["rerun_log"]).count("OK created sql incremental model") == len(RERUN)
    assert engines["rerun_window"] == [(0, None)]
    before, after = engines["rerun_files"]
    assert len(before) >= 4 * DAYS and after == before


def test_the_comparison_sees_a_changed_value(engines: dict, tmp_path: Path):
    copy = tmp_path / "changed.duckdb"
    shutil.copy2(engines["duckdb_first"], copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_agent_daily set chats_handled = chats_handled + 1 "
                    "where rowid = (select min(rowid) from marts.fct_agent_daily)")
    diff = compare_tables(copy, engines["spark_first"], ["marts.fct_agent_daily"])[0]
    assert (diff.only_in_duckdb, diff.only_in_spark) == (1, 1)


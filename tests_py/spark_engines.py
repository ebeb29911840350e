"""The Spark comparison's fixture folder and builds (tests_py/test_spark.py).

`prepare_engines` does every slow step of that module, in the order a centre
would: the first DAYS-1 days of the fixture folder built on Spark (a full
build, tests included) and on DuckDB, then the last day loaded on Spark by an
incremental `dbt run` (against a DuckDB build of every day), then a run of a
few windowed models with no new file. It returns what the tests assert on.
conftest.py starts it in a background thread when the session starts
(tests_py/background.py), and the rest of the suite runs meanwhile.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from ccw.paths import file_day, raw_files

from background import Background

VARS = {"telephony_timezone": "America/New_York", "reporting_timezone": "Europe/Zurich"}
DAYS = 8
START = date(2026, 3, 5)  # New York springs forward on 2026-03-08


def build_fixture(raw: Path) -> Path:
    from ccw.simulator import simulate_to_folder

    simulate_to_folder(raw, days=DAYS, agents=6, seed=5, start=START, mess_rate=0.15, ground_truth=False)
    # survey responses as Parquet (text columns, as an export writes them)
    for path in sorted((raw / "survey" / "responses").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if rows:
            table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in rows[0]})
            pq.write_table(table, path.with_suffix(".parquet"))
            path.unlink()
    # records that do not split into the header's fields, in one messages file
    first = sorted((raw / "messaging" / "messages").glob("*.csv"))[0]
    with first.open("a", encoding="utf-8") as f:
        # (the simulator quotes every field and ends lines with \n: so do these)
        f.write('"MBAD01","web","CU0000001","customer"\n')                                  # too few fields
        f.write('"MBAD02","web","CU0000001","customer","message",,"2026-03-05T09:17:02+01:00","5",,"x"\n')  # too many
    # New York's DST changes, in the 2026-03-08 calls file: a call answered inside the spring-forward gap
    # (02:00-03:00 never happened) and two calls in the autumn overlap (01:00-02:00 happens twice), whose
    # wall times go backwards while the ACD's order does not (docs/settings.md)
    dst_calls = [
        ("CDST01", "2026-03-08 01:59:50", "2026-03-08 02:00:10", "2026-03-08 03:00:30"),
        ("CDST02", "2026-11-01 01:58:00", "2026-11-01 01:02:00", "2026-11-01 01:10:00"),
        ("CDST03", "2026-11-01 00:59:00", "2026-11-01 01:00:30", "2026-11-01 01:05:00"),
    ]
    with (raw / "telephony" / "calls" / "2026-03-08.csv").open("a", encoding="utf-8") as f:
        for call_id, enqueued, answered, ended in dst_calls:
            f.write(f'"{call_id}",,"inbound","+1 212 555 0100","general","A0001","{enqueued}","{answered}",'
                    f'"{ended}","10","30","answered",\n')
    return raw


def dbt_command(args: list[str], raw: Path, work: Path, target: str) -> tuple[list[str], dict[str, str]]:
    from ccw.paths import PROJECT_ROOT
    from ccw.warehouse.dbt import dbt_env, dbt_executable

    env = dbt_env(raw, work / "warehouse.duckdb")
    env["DBT_TARGET"] = target
    env["SPARK_WAREHOUSE_DIR"] = str(work / "spark")
    env["CCW_SPARK_CODEGEN"] = "false"  # small tables: interpreted, not compiled (profiles.yml)
    env["DBT_TARGET_PATH"] = str(work / "target")
    env["DBT_LOG_PATH"] = str(work / "logs")
    cmd = [dbt_executable(), *args, "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT / "profiles"),
           "--vars", json.dumps(VARS)]
    return cmd, env


def tables_of(duckdb_path: Path, schemas: tuple[str, ...]) -> list[str]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_type = 'BASE TABLE' and table_schema in {schemas!r} order by 1"
        ).fetchall()
    return [r[0] for r in rows]


def copy_days(src: Path, dst: Path, days: list[str]) -> None:
    """Copy the files of `days` (YYYY-MM-DD) from raw folder `src` into `dst`, same layout."""
    for path in raw_files(src):
        if file_day(path) in days:
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


# windowed models run again by the replay's last step, with no new file: their date partitions'
# files must stay as they were (a few of them: each Spark invocation costs ~35 s of start-up)
RERUN = ("fct_contacts", "int_contacts_fcr_flagged", "int_contact_sla", "fct_queue_daily")


def partition_files(spark_dir: Path, models: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """{file: (size, mtime)} of the date-partition files of `models` in a Spark warehouse folder."""
    found = {}
    for name in models:
        for table in spark_dir.glob(f"*.db/{name}"):
            for f in table.glob("activity_date=*/*.parquet"):
                found[str(f.relative_to(spark_dir))] = (f.stat().st_size, f.stat().st_mtime_ns)
    return found


def prepare_engines(bg: Background, base: Path) -> dict:
    """Every build of the Spark comparison, into `base`; raises if a command fails, with its output.

    One Spark full build, of the first DAYS-1 days (tests included), compared with a DuckDB build of
    the same days; then the last day loaded on Spark by an incremental run, compared with a DuckDB
    build of all DAYS days; then a run with no new file. The full build's Spark folder is copied
    before the load changes it. (Each Spark build costs minutes of CPU here: a second full build of
    all DAYS days would add little that these two comparisons do not cover.)"""
    from ccw.paths import PROJECT_ROOT

    def run(args: list[str], raw: Path, work: Path, target: str) -> subprocess.CompletedProcess[str]:
        cmd, env = dbt_command(args, raw, work, target)
        return bg.run(cmd, cwd=PROJECT_ROOT, env=env)

    def check(proc: subprocess.CompletedProcess[str], what: str) -> subprocess.CompletedProcess[str]:
        if proc.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{(proc.stdout or '')[-6000:]}{(proc.stderr or '')[-2000:]}")
        return proc

    raw = build_fixture(base / "raw")
    days = sorted({file_day(p) for p in raw_files(raw)})
    assert len(days) == DAYS, days
    first_raw, spark = base / "spark" / "raw", base / "spark"
    copy_days(raw, first_raw, days[: DAYS - 1])
    # the Spark build runs beside the two DuckDB builds (seconds each)
    cmd, env = dbt_command(["build", "--full-refresh"], first_raw, spark, "spark")
    with (base / "spark_first_build.log").open("w") as spark_log:
        spark_build = bg.popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=spark_log, stderr=subprocess.STDOUT)
        try:
            first_duck = check(run(["build"], first_raw, base / "duckdb_first", "dev"),
                               "the DuckDB build of the first days")
            full_duck = check(run(["build"], raw, base / "duckdb", "dev"), "the DuckDB build of every day")
        finally:
            spark_build.wait()
    spark_first = check(subprocess.CompletedProcess(cmd, spark_build.returncode,
                                                    (base / "spark_first_build.log").read_text()),
                        "the Spark build of the first days")
    shutil.copytree(spark / "spark", base / "spark_first_build")

    # the last day's files, loaded by an incremental run
    for day in days[DAYS - 1:]:
        copy_days(raw, first_raw, [day])
        check(run(["run"], first_raw, spark, "spark"), f"the Spark load of {day}")

    # a run with no new file: the load window is empty, and the windowed models leave their files alone
    before = partition_files(spark / "spark", RERUN)
    rerun = check(run(["run", "--select", "int_load_window", *RERUN], first_raw, spark, "spark"),
                  "the Spark run without a new file")
    after = partition_files(spark / "spark", RERUN)
    with duckdb.connect() as con:
        window = con.execute("select changed_rows, window_start_date from read_parquet(?)",
                             [str(spark / "spark" / "intermediate.db" / "int_load_window" / "*.parquet")]).fetchall()
    return {"raw": raw,
            # the first DAYS-1 days on both engines (full builds)
            "first_raw": first_raw, "duckdb_first": base / "duckdb_first" / "warehouse.duckdb",
            "spark_first": base / "spark_first_build", "spark_log": spark_first.stdout,
            "duckdb_log": first_duck.stdout,
            # every day: DuckDB's full build, and Spark's first build plus the last day's load
            "duckdb": base / "duckdb" / "warehouse.duckdb", "duckdb_full_log": full_duck.stdout,
            "spark_loaded": spark / "spark",
            "rerun_log": rerun.stdout, "rerun_window": window, "rerun_files": (before, after)}

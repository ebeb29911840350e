"""Build the same raw folder on DuckDB and on Spark; print the times and whether the marts agree.

    python benchmarks/engines.py --raw data/raw --workdir /tmp/engines [--append]
    python benchmarks/engines.py --days 90 --agents 40 --workdir /tmp/engines90 --append

Each engine runs `dbt build --full-refresh` (seeds, models, unit and data
tests) in its own process, so the Spark figure includes starting the JVM and
the local SparkSession (`method: session`, 2 cores here). The marts of both
builds are then compared with ccw.warehouse.engines.compare_tables (the test
tests_py/test_spark.py asserts the same on a messy fixture). --append adds
the figures to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from ccw.paths import PROJECT_ROOT
from ccw.warehouse.dbt import dbt_env, dbt_executable
from ccw.warehouse.engines import compare_tables


def build(raw: Path, work: Path, target: str) -> float:
    env = dbt_env(raw, work / "warehouse.duckdb")
    env.update({"DBT_TARGET": target, "SPARK_WAREHOUSE_DIR": str(work / "spark"),
                "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")})
    cmd = [dbt_executable(), "build", "--full-refresh", "--project-dir", str(PROJECT_ROOT),
           "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"engines: dbt build on {target} failed (log: {work / 'logs'}):\n{proc.stdout[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, help="raw folder to build (default: simulate one)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--append", action="store_true", help="append the figures to benchmarks/results.md")
    args = parser.parse_args()
    work = args.workdir.resolve()
    raw = args.raw.resolve() if args.raw else work / "raw"
    if not args.raw and not raw.exists():
        from ccw.simulator import simulate_to_folder

        simulate_to_folder(raw, days=args.days, agents=args.agents, ground_truth=False)
    raw_files = sum(1 for p in raw.glob("*/*/*") if p.is_file())
    days = sorted({p.stem for p in raw.glob("*/*/*") if p.is_file()})
    span = f"{days[0]}..{days[-1]}, {len(days)} days" if days else "no files"
    times = {}
    for target, folder in (("dev", work / "duckdb"), ("spark", work / "spark_build")):
        folder.mkdir(parents=True, exist_ok=True)
        times[target] = build(raw, folder, target)
        print(f"{target:>5}: dbt build --full-refresh {times[target]:.1f} s", flush=True)
    duck = work / "duckdb" / "warehouse.duckdb"
    with duckdb.connect(str(duck), read_only=True) as con:
        marts = [r[0] for r in con.execute(
            "select 'marts.' || table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1").fetchall()]
        contacts = con.execute("select count(*) from marts.fct_contacts").fetchone()[0]
    diffs = compare_tables(duck, work / "spark_build" / "spark", marts)
    differing = [d.table for d in diffs if not d.identical]
    verdict = "identical" if not differing else "DIFFER: " + ", ".join(differing)
    print(f"marts: {len(marts)} tables, {verdict}")
    if args.append:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with (PROJECT_ROOT / "benchmarks" / "results.md").open("a", encoding="utf-8") as f:
            f.write(
                f"\n### Engines: DuckDB and Spark, {span} ({raw_files} raw files, {contacts} contacts), {stamp}\n\n"
                f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                "`dbt build --full-refresh` (seeds, models, unit and data tests), one run each "
                "(benchmarks/engines.py).\n\n"
                "| engine | build | ratio |\n| --- | ---: | ---: |\n"
                f"| DuckDB | {times['dev']:.1f} s | 1.0 |\n"
                f"| Spark, local session | {times['spark']:.1f} s | {times['spark'] / times['dev']:.1f} |\n\n"
                f"Marts ({len(marts)} tables): {verdict}.\n"
            )


if __name__ == "__main__":
    main()

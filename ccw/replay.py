"""Replay a raw folder into a warehouse one day of files at a time.

This is how a contact centre loads: every day the exports of that day arrive
(holding late rows of up to 3 earlier days) and an incremental build runs.
`replay()` copies the files of `src` into `dst` day by day (a file's day is
its `YYYY-MM-DD` name; files with another name arrive with the first day)
and runs `dbt <command>` after each day, in this process, parsing the
project once. The equivalence test (tests_py/test_incremental.py) compares
the result with one full build of the same files.

    python -m ccw.replay SRC DST WAREHOUSE --target-path T --log-path L

prints one JSON line per load.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from ccw.errors import CcwError
from ccw.paths import file_day, raw_files


def replay(src: Path, dst: Path, warehouse: Path, target_path: Path, log_path: Path,
           command: str = "run", project_dir: Path | None = None, on_load=None) -> list[dict]:
    """Load `src` into `warehouse` one day at a time; returns one dict per load."""
    from dbt.cli.main import dbtRunner

    files = raw_files(src)
    if not files:
        raise CcwError("no raw files to replay", str(src), "point SRC at a folder written by `ccw simulate`")
    days = sorted({file_day(p) for p in files} - {""})
    if not days:
        raise CcwError("no file is named by its day (YYYY-MM-DD.csv)", str(src), "replay needs daily files")
    if dst.exists() and any(dst.iterdir()):
        raise CcwError("the replay folder is not empty", str(dst), "pass a new or empty folder")
    project = (project_dir or Path(__file__).resolve().parent.parent).resolve()
    os.environ.update(RAW_DIR=str(dst.resolve()), WAREHOUSE_PATH=str(warehouse.resolve()), DO_NOT_TRACK="1")
    os.chdir(project)
    common = ["--profiles-dir", str(project / "profiles"), "--project-dir", str(project),
              "--target-path", str(target_path), "--log-path", str(log_path), "--quiet"]
    parsed = dbtRunner().invoke(["parse", *common])
    if not parsed.success:
        raise CcwError("dbt parse failed", str(project), f"see {log_path}/dbt.log")
    runner = dbtRunner(manifest=parsed.result)
    if not runner.invoke(["seed", *common]).success:
        raise CcwError("dbt seed failed", str(project), f"see {log_path}/dbt.log")
    loads = []
    for i, day in enumerate(days):
        arrived = [p for p in files if file_day(p) == day or (i == 0 and file_day(p) == "")]
        for p in arrived:
            target = dst / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, target)
        started = time.perf_counter()
        result = runner.invoke([*command.split(), *common])
        load = {"day": day, "files": len(arrived), "ok": bool(result.success),
                "seconds": round(time.perf_counter() - started, 2)}
        loads.append(load)
        if on_load:
            on_load(load)
        if not result.success:
            raise CcwError(f"dbt {command} failed on the load of {day}", str(warehouse), f"see {log_path}/dbt.log")
    return loads


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m ccw.replay", description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--target-path", type=Path, required=True)
    ap.add_argument("--log-path", type=Path, required=True)
    ap.add_argument("--command", default="run", help="dbt command run after each day (default: run)")
    args = ap.parse_args(argv)
    try:
        replay(args.src, args.dst, args.warehouse, args.target_path, args.log_path, command=args.command,
               on_load=lambda load: print(json.dumps(load), flush=True))
    except CcwError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

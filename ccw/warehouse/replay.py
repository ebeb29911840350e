"""Replay a raw folder into a warehouse one day of files at a time.

This is how a contact centre loads: every day the exports of that day arrive
(holding late rows of up to 3 earlier days) and an incremental build runs.
`replay()` copies the files of `src` into `dst` day by day (a file's day is
its `YYYY-MM-DD` name; files with another name arrive with the first day)
and runs `dbt <command>` after each day (`--last-command`, when given, after
the last one: the test suite's replay ends with a `build`, so the data tests
narrowed to a load's rows run on a real daily load), in this process,
parsing the project once (ccw.warehouse.dbt.DbtSession). The equivalence test (tests_py/test_incremental.py) compares
the result with one full build of the same files.

    ccw replay SRC DST WAREHOUSE --target-path T --log-path L

prints one JSON line per load (`python -m ccw.warehouse.replay` takes the same arguments).
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import click

from ccw.errors import CcwError
from ccw.paths import file_day, raw_files


def replay(src: Path, dst: Path, warehouse: Path, target_path: Path, log_path: Path,
           command: str = "run", project_dir: Path | None = None, on_load=None,
           last_command: str | None = None) -> list[dict]:
    """Load `src` into `warehouse` one day at a time; returns one dict per load."""
    from ccw.warehouse.dbt import DbtSession

    files = raw_files(src)
    if not files:
        raise CcwError("no raw files to replay", str(src), "point SRC at a folder written by `ccw simulate`")
    days = sorted({file_day(p) for p in files} - {""})
    if not days:
        raise CcwError("no file is named by its day (YYYY-MM-DD.csv)", str(src), "replay needs daily files")
    if dst.exists() and any(dst.iterdir()):
        raise CcwError("the replay folder is not empty", str(dst), "pass a new or empty folder")
    dst.mkdir(parents=True, exist_ok=True)
    loads = []
    with DbtSession(dst, warehouse, target_path, log_path, project_dir=project_dir) as dbt:
        for i, day in enumerate(days):
            arrived = [p for p in files if file_day(p) == day or (i == 0 and file_day(p) == "")]
            for p in arrived:
                target = dst / p.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, target)
            # seeds once the first files are there (a build refuses an empty raw folder)
            if i == 0:
                dbt.invoke(["seed"])
            run = last_command if last_command and i == len(days) - 1 else command
            started = time.perf_counter()
            dbt.invoke(run.split(), what=f"dbt {run} on the load of {day}")
            load = {"day": day, "files": len(arrived), "ok": True,
                    "seconds": round(time.perf_counter() - started, 2)}
            loads.append(load)
            if on_load:
                on_load(load)
    return loads


@click.command(name="replay")
@click.argument("src", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("dst", type=click.Path(file_okay=False, path_type=Path))
@click.argument("warehouse", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target-path", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="dbt's target folder for the replay.")
@click.option("--log-path", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="dbt's log folder for the replay.")
@click.option("--command", default="run", show_default=True, help="dbt command run after each day.")
@click.option("--last-command", default=None, help="dbt command run after the last day instead of --command.")
def replay_command(src: Path, dst: Path, warehouse: Path, target_path: Path, log_path: Path, command: str,
                   last_command: str | None) -> None:
    """Load the raw folder SRC into WAREHOUSE one day of files at a time, through
    the new folder DST, as a centre's daily loads would; one JSON line per load."""
    replay(src, dst, warehouse, target_path, log_path, command=command, last_command=last_command,
           on_load=lambda load: click.echo(json.dumps(load)))


def main(argv: list[str]) -> int:
    try:
        replay_command.main(args=argv, prog_name="python -m ccw.warehouse.replay", standalone_mode=False)
    except CcwError as exc:
        click.echo(f"error: {exc.one_line()}", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

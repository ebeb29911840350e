"""Which of two checkouts builds faster? An A/B of models-only full builds, run alternately.

    python benchmarks/ab_builds.py RAW_DIR CHECKOUT_A CHECKOUT_B [--runs 2] [--workdir DIR]

Each run is `publish_build` (as `ccw build --full-refresh` and `ccw bench build`
run it) of one checkout, data and unit tests excluded, in a child process, so
its user and system CPU and peak RSS are its own. A, B, A, B, ...: a machine
whose speed drifts (other load, the page cache) drifts for both. Prints one
line per run and the medians. For a change the marts must not see (a setting,
a rewrite), compare the two warehouses with compare_warehouses.py after.

Example (session 18, `block_allocator_memory` in profiles/profiles.yml):

    git worktree add --detach /tmp/a HEAD~1 && git worktree add --detach /tmp/b HEAD
    python benchmarks/ab_builds.py /data/year /tmp/a /tmp/b --runs 4
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHAT_CHAIN = ["base_messaging__messages_parsed", "base_messaging__messages", "int_messages_sessionized",
              "int_conversations_measured"]

RUN_ONE = """
import sys
from pathlib import Path
from ccw.warehouse.build import publish_build
raw, warehouse, target, logs = map(Path, sys.argv[1:5])
publish_build(raw, warehouse, ["--exclude-resource-type", "test"], full_refresh=True, unit_tests=False,
              stream=False, target_path=target, log_path=logs)
"""


def run_once(checkout: Path, raw: Path, work: Path, label: str) -> dict:
    """One models-only full build of `checkout`; wall, CPU, peak RSS and the chat chain's node times."""
    target, logs = work / f"target_{label}", work / "logs"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", RUN_ONE, str(raw), str(work / "ab.duckdb"), str(target), str(logs)],
                            cwd=checkout, env={"PYTHONPATH": str(checkout), "DO_NOT_TRACK": "1",
                                               "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"})
    # wait4: this child's own rusage (dbt's process, which it waits for, included)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"the build of {checkout} failed (exit status {status}): see {logs}")
    nodes = {r["unique_id"].split(".")[-1]: r["execution_time"]
             for r in json.loads((target / "run_results.json").read_text())["results"]}
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime,
            "maxrss_gib": usage.ru_maxrss / 2**20,  # ru_maxrss is in KiB on Linux
            "nodes": {n: nodes.get(n, float("nan")) for n in CHAT_CHAIN}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw_dir", type=Path, help="raw folder to build (absolute or relative)")
    ap.add_argument("checkout_a", type=Path, help="project checkout A (e.g. a git worktree of the old commit)")
    ap.add_argument("checkout_b", type=Path, help="project checkout B")
    ap.add_argument("--runs", type=int, default=2, help="builds of each checkout (default 2)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ccw_ab"), help="warehouse and targets (default /tmp/ccw_ab)")
    args = ap.parse_args(argv)
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    raw = args.raw_dir.resolve()
    results: dict[str, list[dict]] = {"A": [], "B": []}
    for i in range(1, args.runs + 1):
        for name, checkout in (("A", args.checkout_a), ("B", args.checkout_b)):
            r = run_once(checkout.resolve(), raw, work, f"{name}{i}")
            results[name].append(r)
            chain = " ".join(f"{n}={s:.1f}" for n, s in r["nodes"].items())
            print(f"{name} run {i}: wall {r['wall']:.1f} s, user {r['user']:.1f} s, sys {r['sys']:.1f} s, "
                  f"peak RSS {r['maxrss_gib']:.2f} GiB; {chain}", flush=True)
    for name, runs in results.items():
        print(f"{name} median of {len(runs)}: wall {statistics.median(r['wall'] for r in runs):.1f} s, "
              f"user {statistics.median(r['user'] for r in runs):.1f} s, "
              f"sys {statistics.median(r['sys'] for r in runs):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

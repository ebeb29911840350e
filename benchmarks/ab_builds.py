"""Which of two checkouts builds faster? An A/B of models-only full builds, run alternately.

    python benchmarks/ab_builds.py RAW_DIR CHECKOUT_A CHECKOUT_B [--runs 2] [--workdir DIR]

Each run is the models-only phase of `ccw bench build` (`python -m
ccw.bench.build dbt RAW WAREHOUSE models ...`: `publish_build` with data and
unit tests excluded) of one checkout, in a child process, so its user and
system CPU and peak RSS are its own; the checkout's dbt output goes to
WORKDIR/build.log. A, B, A, B, ...: a machine whose speed drifts (other
load, the page cache) drifts for both. Prints one
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
from pathlib import Path

CHAT_CHAIN = ["base_messaging__messages_parsed", "base_messaging__messages", "int_messages_sessionized",
              "int_conversations_measured"]


def run_once(checkout: Path, raw: Path, work: Path, label: str) -> dict:
    """One models-only full build of `checkout` (its own bench phase); wall, CPU, peak RSS and the
    chat chain's node times."""
    target, result = work / f"target_{label}", work / f"result_{label}.json"
    with open(work / "build.log", "a") as log:
        proc = subprocess.Popen([sys.executable, "-m", "ccw.bench.build", "dbt", str(raw), str(work / "ab.duckdb"),
                                 "models", str(target), str(work / "logs"), str(result)],
                                cwd=checkout, stdout=log, stderr=subprocess.STDOUT,
                                env={"PYTHONPATH": str(checkout), "DO_NOT_TRACK": "1",
                                     "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"})
        # wait4: this child's own user and system CPU (dbt's process, which it waits for, included)
        _, status, usage = os.wait4(proc.pid, 0)
    phase = json.loads(result.read_text()) if result.exists() else {}
    if status != 0 or "error" in phase:
        raise SystemExit(f"the build of {checkout} failed: {phase.get('error', f'exit status {status}')} "
                         f"(see {work / 'build.log'})")
    nodes = {r["unique_id"].split(".")[-1]: r["execution_time"]
             for r in json.loads((target / "run_results.json").read_text())["results"]}
    return {"wall": phase["seconds"], "user": usage.ru_utime, "sys": usage.ru_stime,
            "maxrss_gib": phase["peak_rss"] / 2**30,
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
    for checkout in (args.checkout_a, args.checkout_b):
        if not (checkout / "ccw" / "bench" / "build.py").is_file():
            ap.error(f"{checkout} is not a checkout of this project (no ccw/bench/build.py): "
                     "pass a git worktree, e.g. git worktree add --detach /tmp/a HEAD~1")
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

"""`ccw bench`: benchmarks. `simulate` times the simulator at scale (about
10 M chat messages and 1 M call legs: a year of a 300-agent centre) and reports
rows per second and peak memory. A `build` subcommand can sit beside it."""

from __future__ import annotations

import importlib
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click

from ccw.errors import CcwError


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size (Linux: ru_maxrss is in KiB; for RUSAGE_CHILDREN: the largest child)."""
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU of (this process, its finished children: the worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


class _BenchGroup(click.Group):
    """`simulate` lives here; other benchmarks (e.g. `build` in ccw.bench.build) are loaded lazily."""

    LAZY = {"build": ("ccw.bench.build", "build"), "chart": ("ccw.bench.chart", "chart")}

    def _lazy(self, name: str) -> click.Command | None:
        module_name, attr = self.LAZY[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            return None
        command = getattr(module, attr, None)
        return command if isinstance(command, click.Command) else None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | {n for n in self.LAZY if self._lazy(n) is not None})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        return self._lazy(name) if name in self.LAZY else None


@click.group(name="bench", cls=_BenchGroup)
def bench() -> None:
    """Benchmarks: simulator speed (`simulate`) and the warehouse build against plain DuckDB (`build`)."""


@bench.command(name="simulate")
@click.option("--days", default=365, show_default=True, type=int, help="Reporting days to generate.")
@click.option("--agents", default=300, show_default=True, type=int, help="Active agents.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(["csv", "parquet"]))
@click.option("--out", default=None, metavar="DIR", help="Keep the output here (default: a temporary folder, removed).")
@click.option("--ground-truth/--no-ground-truth", default=True, show_default=True,
              help="Also compute _ground_truth/ (part of the timing).")
def simulate_bench(days: int, agents: int, seed: int, fmt: str, out: str | None, ground_truth: bool) -> None:
    """Generate a large raw folder and report rows/s, seconds and peak RSS."""
    from ccw.simulator import (
        runner,  # noqa: F401  (import cost is not part of the timing)
        simulate_to_folder,
    )

    tmp = None
    if out is None:
        tmp = Path(tempfile.mkdtemp(prefix="ccw-bench-"))
        target = tmp / "raw"
    else:
        target = Path(out)
    try:
        load0 = os.getloadavg()[0]
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        summary = simulate_to_folder(target, days=days, agents=agents, seed=seed, fmt=fmt, progress=True,
                                     ground_truth=ground_truth)
        seconds = time.perf_counter() - t0
        main_cpu, kids_cpu = (a - b for a, b in zip(cpu_seconds(), cpu0, strict=True))
        cpu = main_cpu + kids_cpu
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    except OSError as exc:
        raise CcwError(f"benchmark could not write its output: {exc}", str(target), "free disk space or pass --out") from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    rows = summary["total_rows"]
    r = summary["rows"]
    click.echo(f"simulated {days} days x {agents} agents ({fmt}, ground truth {'on' if ground_truth else 'off'})")
    click.echo(f"  messages     {r['messaging__messages']:>12,}")
    click.echo(f"  call legs    {r['telephony__calls']:>12,}")
    click.echo(f"  all rows     {rows:>12,}   ({size / 2**20:,.0f} MiB on disk)")
    click.echo(f"  seconds      {seconds:>12.1f}   (generation + writing {summary['generate_seconds']:.1f} s)")
    click.echo(f"  rows/second  {rows / seconds:>12,.0f}")
    click.echo(f"  CPU seconds  {cpu:>12.1f}   (main {main_cpu:.1f} + workers {kids_cpu:.1f}; "
               f"{rows / max(cpu, 1e-9):,.0f} rows per CPU-second)")
    click.echo(f"  peak RSS     {peak_rss_mb():>12,.0f} MiB main process, {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MiB largest worker")
    click.echo(f"  load average {load0:>12.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows the wall clock)")

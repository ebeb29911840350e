"""`ccw simulate`: write a raw folder of demo exports with ground truth."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from ccw.errors import CcwError
from ccw.paths import DEFAULT_RAW_DIR, resolve
from ccw.simulator.config import FORMATS, MESS_TYPES


def _parse_date(ctx: click.Context, param: click.Parameter, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CcwError(f"--start must be a date like 2026-03-01, got {value!r}", "ccw simulate", "pass --start YYYY-MM-DD") from None


class _OneLineErrors(click.Command):
    """Bad arguments become one readable CcwError line instead of click's usage block."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise CcwError(exc.format_message().rstrip("."), f"ccw {self.name}", f"see `ccw {self.name} --help`") from None


def _rate_options(f):
    for kind, help_text in reversed(list(MESS_TYPES.items())):
        f = click.option(f"--{kind.replace('_', '-')}-rate", kind, type=float, default=None, metavar="FRACTION",
                         help=f"Rate of {help_text} (default: --mess-rate).")(f)
    return f


@click.command(name="simulate", cls=_OneLineErrors)
@click.option("--out", default=DEFAULT_RAW_DIR, show_default=True, metavar="DIR",
              help="Raw folder to write (relative paths are resolved against the project root).")
@click.option("--days", default=30, show_default=True, type=int, help="Number of reporting days.")
@click.option("--agents", default=40, show_default=True, type=int, help="Active agents (volume scales with it).")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed: same seed, same bytes.")
@click.option("--start", default="2026-03-01", show_default=True, callback=_parse_date, metavar="YYYY-MM-DD",
              help="First reporting day (Asia/Shanghai calendar).")
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice(FORMATS, case_sensitive=False),
              help="File format of every entity.")
@click.option("--mess-rate", default=0.03, show_default=True, type=float, metavar="FRACTION",
              help="Default rate of every messiness type (fraction of an entity's clean rows).")
@_rate_options
@click.option("--no-ground-truth", is_flag=True, help="Skip `_ground_truth/` (only manifest.json is written).")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def simulate(out: str, days: int, agents: int, seed: int, start: date, fmt: str, mess_rate: float,
             no_ground_truth: bool, quiet: bool, **rates: float | None) -> None:
    """Generate a raw folder of contact-centre exports (CRM, telephony, messaging,
    survey, WFM) as raw-sources.md describes, messiness included, plus the
    ground truth of what a correct warehouse must report in DIR/_ground_truth/.

    Layout: DIR/<system>/<entity>/<YYYY-MM-DD>.csv|parquet, one file per entity
    and day. Example: ccw simulate --out data/raw --days 30 --agents 40
    """
    from ccw.simulator import simulate_to_folder

    target: Path = resolve(out)
    summary = simulate_to_folder(
        target, days=days, agents=agents, seed=seed, start=start, fmt=fmt.lower(), mess_rate=mess_rate,
        progress=not quiet, ground_truth=not no_ground_truth, **{k: v for k, v in rates.items() if v is not None},
    )
    click.echo(f"simulated {summary['days']} days, {summary['agents']} agents: {summary['total_rows']:,} rows "
               f"in {summary['seconds']:.1f}s -> {target}")

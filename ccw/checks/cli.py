"""`ccw check`: the Great Expectations checkpoint over the built warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from ccw.checks.report import table
from ccw.paths import resolve
from ccw.paths import warehouse_path as default_warehouse_path


class GateFailed(click.ClickException):
    """A gate found violations: the report is already printed; exit 1, no traceback."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"FAILED: {self.message}", err=True)


@click.command()
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False),
    default=None,
    help="DuckDB file to check, opened read-only (default: $WAREHOUSE_PATH or warehouse/contact_center.duckdb).",
)
@click.option(
    "--freshness-days",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Max days between the newest raw event loaded and the newest activity_date of each daily mart.",
)
@click.option("--sample-rows", type=click.IntRange(min=1), default=3, show_default=True, help="Failing rows shown per expectation.")
@click.option(
    "--table",
    "tables",
    multiple=True,
    help="Check only this relation (e.g. fct_agent_daily); repeatable. Skips reconciliation and freshness.",
)
def check(warehouse: str | None, freshness_days: int, sample_rows: int, tables: tuple[str, ...]) -> None:
    """Validate the built warehouse with Great Expectations: rates in [0, 1],
    non-negative durations and counts, scores in range, unique keys, row counts
    that reconcile with upstream, and freshness of the newest day.

    Exits 1 with a table of the failing expectations (suite, expectation,
    column, observed, failing rows sample) when any expectation fails.
    """
    from ccw.checks.gx_gate import run_gate

    wh = resolve(warehouse) if warehouse else default_warehouse_path()
    click.echo(f"checking {wh} ...", err=True)
    result = run_gate(Path(wh), freshness_days=freshness_days, sample_rows=sample_rows, tables=list(tables) or None)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    summary = (
        f"{len(result.suites)} suites, {result.evaluated} expectations, "
        f"{len(result.failures)} failed ({result.seconds:.1f}s)"
        + (f"; {result.enforced} not-null / non-negative rules enforced by the tables' constraints" if result.enforced else "")
    )
    if result.success:
        click.echo(f"ok: {summary}")
        return
    rows = [(f.suite, f.expectation, f.column, f.observed, f.sample) for f in result.failures]
    click.echo(table(["suite", "expectation", "column", "observed", "failing rows sample"], rows, [30, 34, 36, 40, 160]))
    raise GateFailed(summary)

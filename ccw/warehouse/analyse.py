"""`ccw analyse NAME`: run one analysis of analyses/ against the published
warehouse, read-only, and print its result (or write it as CSV).

dbt compiles the analysis with the `reader` target (the warehouse attached
read-only, so it works beside a running build or dashboard); DuckDB runs the
compiled SQL on a read-only connection. The compile keeps its artefacts in
target/analyse/ so that later runs parse only what changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import duckdb

from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT, resolve
from ccw.paths import warehouse_path as default_warehouse_path

ANALYSES = PROJECT_ROOT / "analyses"


def available() -> list[str]:
    return sorted(p.stem for p in ANALYSES.glob("*.sql"))


def compile_analysis(name: str, warehouse: Path, raw_dir: Path, vars_: str | None = None) -> str:
    from ccw.warehouse.dbt import run_dbt

    if name not in available():
        raise CcwError(f"no analysis named {name!r}", str(ANALYSES), "choose one of: " + ", ".join(available()))
    work = PROJECT_ROOT / "target" / "analyse"
    args = ["compile", "--select", f"path:analyses/{name}.sql", "--target", "reader"]
    if vars_:
        args += ["--vars", vars_]
    run_dbt(args, raw_dir, warehouse, target_path=work, log_path=PROJECT_ROOT / "logs")
    return (work / "compiled" / "contact_center" / "analyses" / f"{name}.sql").read_text()


@click.command(name="analyse")
@click.argument("name", required=False)
@click.option("--warehouse", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file to read (default: $WAREHOUSE_PATH or warehouse/contact_center.duckdb).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Write the result to this CSV file.")
@click.option("--vars", "vars_", default=None, help="dbt vars for the analysis, e.g. \"{change_date: '2026-03-15'}\".")
@click.option("--list", "list_only", is_flag=True, help="List the analyses and what each answers.")
def analyse(name: str | None, warehouse: str | None, csv_path: str | None, vars_: str | None, list_only: bool) -> None:
    """Run the analysis NAME of analyses/ (e.g. monthly_kpi_trend) on the
    published warehouse and print its result; --list shows them all."""
    import yaml

    if list_only or not name:
        docs = yaml.safe_load((ANALYSES / "_analyses.yml").read_text()).get("analyses", [])
        for item in docs:
            click.echo(f"{item['name']}: {item.get('description', '')}")
        return
    wh = Path(resolve(warehouse) if warehouse else default_warehouse_path())
    if not wh.is_file():
        raise CcwError("no warehouse to analyse", str(wh), "build it first with `ccw build`")
    click.echo(f"compiling {name} ...", err=True)
    sql = compile_analysis(name, wh, PROJECT_ROOT / "data" / "raw", vars_)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        frame = con.execute(sql).df()
    except duckdb.Error as exc:
        raise CcwError(f"analysis {name} failed: {str(exc).splitlines()[0]}", f"analyses/{name}.sql",
                       "check the warehouse was built by this version of the project") from None
    finally:
        con.close()
    if csv_path:
        frame.to_csv(resolve(csv_path), index=False)
        click.echo(json.dumps({"analysis": name, "rows": len(frame), "csv": str(resolve(csv_path))}))
    else:
        from ccw.checks.report import table

        click.echo(table(list(frame.columns), frame.astype(object).where(frame.notna(), None).values.tolist()))

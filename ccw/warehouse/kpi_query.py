"""`ccw kpis query`: any catalogue KPI, rolled up by team, site, agent or queue
and by day, week or month, straight from the published marts.

It answers what `mf query` answers for the project's metrics (the same rule:
sum the numerator and the denominator over the group, then divide; tested
equal in tests_py/test_semantic_layer.py) in about a second instead of
about 15: MetricFlow's CLI imports dbt and MetricFlow (10 s of the 15) before
it reads anything. MetricFlow stays the semantic layer for BI tools and for
queries the catalogue does not cover (filters on dimensions, derived
metrics of metrics); this is the quick look from a terminal or a script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import click

from ccw.errors import CcwError
from ccw.warehouse import catalogue

FACT_TABLES = {"agent_day": "marts.fct_agent_daily", "queue_day": "marts.fct_queue_daily"}
DIMENSIONS = {
    "agent_day": {"team": "team", "site": "site", "agent": "agent_id", "agent_id": "agent_id"},
    "queue_day": {"queue": "queue"},
}
GRAINS = catalogue.PERIOD_SQL


@dataclass(frozen=True)
class Column:
    name: str  # as asked for
    fact: str
    sql: str  # over the summed fact rows of a group


def resolve_names(cat: catalogue.Catalogue, names: list[str]) -> list[Column]:
    """Each name a KPI (its catalogue name or its MetricFlow metric name) or a
    measure (queue measures also as `queue_<measure>`, their metric name)."""
    found: list[Column] = []
    for name in names:
        column = None
        for fact in FACT_TABLES:
            prefix = catalogue.MEASURE_PREFIX[fact]
            for kpi in cat.kpis(fact):
                if name in (kpi.name, kpi.metric):
                    column = Column(name, fact, kpi.summed_sql)
            for measure in cat.measures(fact):
                if column is None and name in (measure.name, prefix + measure.name):
                    column = Column(name, fact, f"sum({measure.name})")
            if column:
                break
        if column is None:
            raise CcwError(f"unknown KPI or measure {name!r}", "--kpis", "`ccw kpis list` prints the KPIs")
        found.append(column)
    facts = {c.fact for c in found}
    if len(facts) > 1:
        raise CcwError(f"{', '.join(names)} mix agent-day and queue-day KPIs", "--kpis",
                       "query each family on its own")
    return found


def query_sql(columns: list[Column], by: list[str], start: str | None, end: str | None) -> str:
    """The SELECT: group columns first (named as asked), then one column per KPI."""
    fact = columns[0].fact
    groups: list[tuple[str, str]] = []
    for item in by:
        name = item.split("__")[-1]  # MetricFlow's spelling works too: agent_day__team, metric_time__month
        if name in GRAINS:
            groups.append((name, GRAINS[name]))
        elif name in DIMENSIONS[fact]:
            groups.append((name, DIMENSIONS[fact][name]))
        else:
            allowed = ", ".join([*DIMENSIONS[fact], *GRAINS])
            raise CcwError(f"cannot group {fact} KPIs by {item!r}", "--by", f"use any of {allowed}")
    where = []
    for bound, op, option in ((start, ">=", "--from"), (end, "<=", "--to")):
        if bound:
            try:
                day = date.fromisoformat(bound)
            except ValueError:
                raise CcwError(f"{bound!r} is not a date", option, "write it as YYYY-MM-DD") from None
            where.append(f"activity_date {op} date '{day.isoformat()}'")
    select = [f"{sql} as {name}" for name, sql in groups] + [f"{c.sql} as {c.name}" for c in columns]
    sql = f"select {', '.join(select)} from {FACT_TABLES[fact]}"
    if where:
        sql += " where " + " and ".join(where)
    if groups:
        positions = ", ".join(str(i + 1) for i in range(len(groups)))
        sql += f" group by {positions} order by {positions}"
    return sql


@click.command(name="query")
@click.option("--kpis", "names", required=True, help="Comma-separated KPIs or measures, e.g. fcr_rate,aht_s,contacts_owned.")
@click.option("--by", default="", help="Comma-separated: team, site, agent (agent-day) or queue (queue-day), "
              "and day, week or month. Nothing: the whole period.")
@click.option("--from", "start", default=None, metavar="DATE", help="First reporting day (inclusive).")
@click.option("--to", "end", default=None, metavar="DATE", help="Last reporting day (inclusive).")
@click.option("--warehouse", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file (default: $WAREHOUSE_PATH or warehouse/contact_center.duckdb).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Write the answer as CSV here.")
def query_command(names: str, by: str, start: str | None, end: str | None, warehouse: str | None,
                  csv_path: str | None) -> None:
    """Roll KPIs up exactly (sum numerators, sum denominators, divide) by team,
    site, agent or queue and by day, week or month, from the published marts."""
    from ccw.checks.report import table
    from ccw.paths import resolve
    from ccw.paths import warehouse_path as default_warehouse_path
    from ccw.warehouse.build import connect_read_only

    columns = resolve_names(catalogue.load(), [n.strip() for n in names.split(",") if n.strip()])
    sql = query_sql(columns, [b.strip() for b in by.split(",") if b.strip()], start, end)
    con = connect_read_only(resolve(warehouse) if warehouse else default_warehouse_path())
    try:
        if csv_path:
            out = resolve(csv_path)
            con.execute(f"copy ({sql}) to '{str(out).replace(chr(39), chr(39) * 2)}' (header, delimiter ',')")
            click.echo(f"wrote {out}", err=True)
            return
        cursor = con.execute(sql)
        headers = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()

    def cell(value: object) -> object:
        return f"{value:.6g}" if isinstance(value, float) else value

    click.echo(table(headers, [[cell(v) for v in row] for row in rows]))

"""The KPI catalogue (macros/kpis/kpi_catalogue.sql) for Python, and the YAML
generated from it.

dbt reads the catalogue through the `kpi_catalogue()` macro and generates
the facts' measure and KPI columns and the alert unpivot at compile time.
What dbt cannot generate at compile time is YAML: the facts' column
documentation, the semantic layer's measures and metrics and the accepted
KPI names of the `kpi_targets` seed. `ccw kpis sync` writes those into the
checked-in YAML files, between marker comments:

    # kpi-catalogue:begin <block>
    ...generated...
    # kpi-catalogue:end <block>

and `ccw kpis check` (and the test suite) fails when a file is out of date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from ccw.errors import CcwError
from ccw.paths import PROJECT_ROOT

CATALOGUE_PATH = Path("macros/kpis/kpi_catalogue.sql")
BEGIN, END = "# catalogue:start", "# catalogue:end"
MARKER = re.compile(r"^(?P<indent>[ ]*)# kpi-catalogue:(?P<kind>begin|end) (?P<block>[a-z_]+)\s*$")

TEAM_SUM = "Summed over the team's agents."
TEAM_DISTINCT = (
    "Team level: the sum of the agents' distinct counts (a customer served by two agents counts twice)."
)
TEAM_RATIO = "Recomputed from the team's summed numerator and denominator, never averaged over agents."
EXACT = "exact at any grain (sums first, then divides)."
# semantic-layer measure names must be unique across semantic models
MEASURE_PREFIX = {"agent_day": "", "queue_day": "queue_"}


@dataclass(frozen=True)
class Part:
    """A KPI's numerator or denominator: one measure, or a named sum of them."""

    name: str
    sql: str
    description: str = ""

    @property
    def is_measure(self) -> bool:
        return self.sql == self.name


@dataclass(frozen=True)
class Measure:
    name: str
    type: str
    description: str
    families: tuple[str, ...] = ()
    distinct: bool = False


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    numerator: Part
    denominator: Part
    unit: str
    range: tuple[float | None, float | None]
    better: str
    definition: str
    metric: str
    scale: float | None = None
    column: bool = True

    def ratio_sql(self, numerator: str, denominator: str) -> str:
        """The KPI's formula over two SQL expressions (as kpi_ratio_sql renders it)."""
        scale = f"{self.scale} * " if self.scale else ""
        return f"{scale}cast({numerator} as double) / nullif({denominator}, 0)"

    @property
    def sql(self) -> str:
        """The SQL of the KPI column, over a fact row's measures."""
        return self.ratio_sql(self.numerator.sql, self.denominator.sql)

    @property
    def summed_sql(self) -> str:
        """The KPI over any group of fact rows: the formula applied to the summed
        numerator and denominator (exact at any grain; measures are never null)."""
        return self.ratio_sql(f"sum({self.numerator.sql})", f"sum({self.denominator.sql})")


# a fact row's reporting day rolled up to a period (ISO weeks start on Monday)
PERIOD_SQL = {
    "day": "activity_date",
    "week": "cast(date_trunc('week', activity_date) as date)",
    "month": "cast(date_trunc('month', activity_date) as date)",
}


@dataclass
class Catalogue:
    facts: dict[str, list[Measure | Kpi]] = field(default_factory=dict)

    def measures(self, fact: str) -> list[Measure]:
        return [e for e in self.facts[fact] if isinstance(e, Measure)]

    def kpis(self, fact: str, columns_only: bool = False) -> list[Kpi]:
        return [e for e in self.facts[fact] if isinstance(e, Kpi) and (e.column or not columns_only)]

    def kpi(self, name: str, fact: str = "agent_day") -> Kpi:
        for entry in self.kpis(fact):
            if entry.name == name:
                return entry
        raise KeyError(name)


def _part(value: Any, where: str) -> Part:
    if isinstance(value, str):
        return Part(value, value)
    if isinstance(value, dict) and {"name", "sql"} <= set(value):
        return Part(value["name"], value["sql"], value.get("description", ""))
    raise CcwError(f"KPI catalogue: {where} must be a measure name or {{name, sql, description}}; "
                   f"fix it in {CATALOGUE_PATH}")


def catalogue_text(root: Path = PROJECT_ROOT) -> str:
    """The catalogue's YAML, as written between the markers of the macro file."""
    text = (root / CATALOGUE_PATH).read_text(encoding="utf-8")
    try:
        return text[text.index(BEGIN): text.index(END)]
    except ValueError:
        raise CcwError(f"KPI catalogue: markers '{BEGIN}' / '{END}' not found in {root / CATALOGUE_PATH}") from None


def load(root: Path = PROJECT_ROOT) -> Catalogue:
    raw = yaml.safe_load(catalogue_text(root)) or {}
    catalogue = Catalogue()
    for fact, entries in raw.items():
        names: set[str] = set()
        parsed: list[Measure | Kpi] = []
        for entry in entries:
            name = entry.get("measure") or entry.get("kpi")
            if not name or name in names:
                raise CcwError(f"KPI catalogue: {fact} entry {name!r} is unnamed or repeated; fix it in {CATALOGUE_PATH}")
            names.add(name)
            if "measure" in entry:
                family = entry.get("family") or []
                parsed.append(Measure(
                    name, entry["type"], entry["description"],
                    tuple(family) if isinstance(family, list) else (family,), bool(entry.get("distinct")),
                ))
            else:
                lo, hi = entry["range"]
                parsed.append(Kpi(
                    name=name, label=entry["label"],
                    numerator=_part(entry["numerator"], f"{name}.numerator"),
                    denominator=_part(entry["denominator"], f"{name}.denominator"),
                    unit=entry["unit"], range=(lo, hi), better=entry["better"],
                    definition=entry["definition"], metric=entry.get("metric", name),
                    scale=entry.get("scale"), column=entry.get("column", True),
                ))
        catalogue.facts[fact] = parsed
    return catalogue


# -- generated YAML blocks ---------------------------------------------------

def _who(text: str, team: bool, period: str = "that day") -> str:
    return text.format(
        who="the team's agents" if team else "this agent",
        whose="each agent's" if team else "this agent's",
        period=period,
    )


def fact_columns(cat: Catalogue, fact: str, team: bool = False, period: str = "that day") -> list[dict[str, Any]]:
    """The measure and KPI column entries of a fact's model YAML (`period`: the
    fact's time grain in words, for the queue facts)."""
    columns: list[dict[str, Any]] = []
    for entry in cat.facts[fact]:
        if isinstance(entry, Measure):
            text = _who(entry.description, team, period)
            if team:
                text += " " + (TEAM_DISTINCT if entry.distinct else TEAM_SUM)
            columns.append({
                "name": entry.name, "data_type": entry.type, "description": text,
                "constraints": [{"type": "not_null"}, {"type": "check", "expression": f"{entry.name} >= 0"}],
            })
        elif entry.column:
            text = entry.definition + (" " + TEAM_RATIO if team else "")
            columns.append({
                "name": entry.name, "data_type": "double", "description": text,
                "config": {"meta": {"kpi": {"label": entry.label, "unit": entry.unit, "better": entry.better}}},
            })
    return columns


def semantic_measures(cat: Catalogue, fact: str) -> list[dict[str, Any]]:
    prefix = MEASURE_PREFIX[fact]
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(name: str, description: str, expr: str) -> None:
        if prefix + name in seen:
            return
        seen.add(prefix + name)
        item: dict[str, Any] = {"name": prefix + name, "description": description, "agg": "sum"}
        if expr != prefix + name:
            item["expr"] = expr
        out.append(item)

    for entry in cat.facts[fact]:
        if isinstance(entry, Measure):
            add(entry.name, _who(entry.description, False), entry.name)
        else:
            for part in (entry.numerator, entry.denominator):
                if not part.is_measure:
                    add(part.name, part.description, part.sql)
    return out


def semantic_metrics(cat: Catalogue, fact: str) -> list[dict[str, Any]]:
    prefix = MEASURE_PREFIX[fact]
    metrics: list[dict[str, Any]] = [
        {
            "name": m["name"], "label": m["name"].replace("_", " "), "description": m["description"],
            "type": "simple", "type_params": {"measure": m["name"]},
        }
        for m in semantic_measures(cat, fact)
    ]
    for kpi in cat.kpis(fact):
        num, den = prefix + kpi.numerator.name, prefix + kpi.denominator.name
        meta = {"meta": {"unit": kpi.unit, "better": kpi.better, "fact_column": kpi.column}}
        if kpi.scale:
            metrics.append({
                "name": kpi.metric, "label": kpi.label,
                "description": f"{kpi.definition} {kpi.scale:g} x {num} / {den}, {EXACT}",
                "type": "derived",
                "type_params": {
                    "expr": f"{kpi.scale} * {num} / nullif({den}, 0)",
                    "metrics": [{"name": num}, {"name": den}],
                },
                "config": meta,
            })
        else:
            metrics.append({
                "name": kpi.metric, "label": kpi.label,
                "description": f"{kpi.definition} Ratio of {num} to {den}: {EXACT}",
                "type": "ratio", "type_params": {"numerator": num, "denominator": den},
                "config": meta,
            })
    return metrics


def target_metrics(cat: Catalogue) -> list[str]:
    """KPI names a `kpi_targets` row may name (the KPI columns of any fact)."""
    names: list[str] = []
    for fact in cat.facts:
        names += [k.name for k in cat.kpis(fact, columns_only=True) if k.name not in names]
    return names


def blocks(cat: Catalogue) -> dict[str, tuple[Path, Any]]:
    """Every generated block: name -> (file, content)."""
    marts = Path("models/marts")
    return {
        "agent_day_columns": (marts / "fct_agent_daily.yml", fact_columns(cat, "agent_day")),
        "agent_day_measures": (marts / "fct_agent_daily.yml", semantic_measures(cat, "agent_day")),
        "agent_day_metrics": (marts / "fct_agent_daily.yml", semantic_metrics(cat, "agent_day")),
        "team_day_columns": (marts / "fct_team_daily.yml", fact_columns(cat, "agent_day", team=True)),
        "queue_day_columns": (marts / "fct_queue_daily.yml", fact_columns(cat, "queue_day")),
        "queue_day_measures": (marts / "fct_queue_daily.yml", semantic_measures(cat, "queue_day")),
        "queue_interval_columns": (marts / "fct_queue_interval.yml",
                                   fact_columns(cat, "queue_day", period="in that interval")),
        "centre_interval_columns": (marts / "fct_centre_interval.yml",
                                    fact_columns(cat, "queue_day", period="in that interval (summed over the queues)")),
        "queue_day_metrics": (marts / "fct_queue_daily.yml", semantic_metrics(cat, "queue_day")),
        "kpi_target_metrics": (Path("seeds/_seeds.yml"), target_metrics(cat)),
    }


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as in the project's hand-written YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def dump_yaml(content: Any) -> str:
    return yaml.dump(content, Dumper=_IndentedDumper, sort_keys=False, width=110, allow_unicode=True,
                     default_flow_style=False)


def render(content: Any, indent: str) -> list[str]:
    text = dump_yaml(content)
    return [indent + line if line else line for line in text.rstrip("\n").split("\n")]


def splice(text: str, block: str, content: Any, where: Path) -> str:
    """`text` with the lines between block's markers replaced by `content`."""
    lines = text.split("\n")
    begin = end = None
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if m and m["block"] == block:
            if m["kind"] == "begin":
                begin, indent = i, m["indent"]
            else:
                end = i
    if begin is None or end is None or end < begin:
        raise CcwError(f"generated block {block!r}: markers '# kpi-catalogue:begin/end {block}' not found "
                       f"in {where}; restore them from git")
    return "\n".join(lines[: begin + 1] + render(content, indent) + lines[end:])


def sync(root: Path = PROJECT_ROOT, write: bool = True) -> list[Path]:
    """Regenerate every block; return the files that were (or would be) changed."""
    cat = load(root)
    texts: dict[Path, str] = {}
    for block, (path, content) in blocks(cat).items():
        current = texts.get(path) or (root / path).read_text(encoding="utf-8")
        texts[path] = splice(current, block, content, root / path)
    changed = [p for p, t in texts.items() if (root / p).read_text(encoding="utf-8") != t]
    if write:
        for path in changed:
            (root / path).write_text(texts[path], encoding="utf-8")
    return changed


# -- `ccw kpis` ----------------------------------------------------------------

@click.group(name="kpis")
def kpis() -> None:
    """The KPI catalogue (macros/kpis/kpi_catalogue.sql): list its KPIs,
    regenerate the YAML generated from it, check that YAML is in sync."""


@kpis.command(name="list")
@click.option("--fact", type=click.Choice(["agent_day", "queue_day"]), default=None,
              help="Only the KPIs of this fact family.")
def list_command(fact: str | None) -> None:
    """Print every KPI: name, label, formula, unit and which way is better."""
    from ccw.checks.report import table

    cat = load()
    rows = [
        (f, k.name, k.label, k.sql, k.unit, k.better)
        for f in cat.facts if fact in (None, f) for k in cat.kpis(f)
    ]
    click.echo(table(["fact", "kpi", "label", "sql", "unit", "better"], rows, [10, 26, 34, 90, 9, 7]))


@kpis.command(name="sync")
def sync_command() -> None:
    """Rewrite the generated YAML blocks (the facts' KPI columns, the semantic
    measures and metrics, kpi_targets' accepted metrics) from the catalogue."""
    changed = sync(write=True)
    click.echo("updated: " + ", ".join(map(str, changed)) if changed else "up to date")


@kpis.command(name="check")
def check_command() -> None:
    """Exit 2 when a generated YAML block differs from the catalogue."""
    changed = sync(write=False)
    if changed:
        raise CcwError("generated YAML out of date: " + ", ".join(map(str, changed)),
                       str(CATALOGUE_PATH), "run `ccw kpis sync` and commit the result")
    click.echo("up to date")


def _register_query() -> None:
    from ccw.warehouse.kpi_query import query_command

    kpis.add_command(query_command)


_register_query()

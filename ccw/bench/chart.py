"""`ccw bench chart`: how the build's time grows with the data, from the runs
`ccw bench build` recorded in benchmarks/results.jsonl.

For each raw format, the newest run per number of days: the full build's node
time per layer (stacked), the hand-written script and the full build's wall
time, and one day's incremental load. Written as a Vega-Lite chart in one
HTML file (Altair, which the dashboard already uses; no browser or image
converter needed to write it) and as a Markdown table on stdout (appended to
the results file with --append).
"""

from __future__ import annotations

import json
from typing import Any

import click

from ccw.errors import CcwError
from ccw.paths import resolve


def newest_runs(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest record per (format, days, agents), ordered by format, agents and days."""
    latest: dict[tuple, dict[str, Any]] = {}
    for rec in records:
        if rec.get("days") in (None, "?") or not rec.get("full_layers_s"):
            continue
        latest[(rec.get("format"), rec.get("agents"), rec["days"])] = rec  # later lines are newer
    return [latest[k] for k in sorted(latest, key=lambda k: (str(k[0]), str(k[1]), int(k[2])))]


def scaling_table(runs: list[dict[str, Any]]) -> str:
    from ccw.bench.build import LAYERS, incremental_share

    header = ["format", "days", "agents", "raw rows", "hand-written", "full build", "ratio", "one day", "share",
              *LAYERS]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for r in runs:
        hw, full, inc = r.get("handwritten_s"), r.get("full_s"), r.get("incremental_s")
        cells = [
            str(r.get("format")), str(r.get("days")), str(r.get("agents")), f"{r.get('raw_rows') or 0:,}",
            f"{hw:.1f} s" if hw else "n/a", f"{full:.1f} s" if full else "n/a",
            f"{full / hw:.2f}x" if hw and full else "n/a",
            f"{inc:.1f} s" if inc else "n/a", f"{100 * share:.1f} %" if (share := incremental_share(r)) is not None else "n/a",
            *[f"{r['full_layers_s'].get(layer, 0):.1f}" for layer in LAYERS],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scaling_chart(runs: list[dict[str, Any]]):
    import altair as alt
    import pandas as pd

    from ccw.bench.build import LAYERS

    layer_rows, total_rows = [], []
    for r in runs:
        label = f"{r['days']} d"
        for layer in LAYERS:
            layer_rows.append({"format": r["format"], "days": label, "order": int(r["days"]), "layer": layer,
                               "seconds": r["full_layers_s"].get(layer, 0.0)})
        for what, key in (("hand-written script (wall)", "handwritten_s"), ("full dbt build (wall)", "full_s"),
                          ("one day's incremental load (wall)", "incremental_s")):
            if r.get(key):
                total_rows.append({"format": r["format"], "days": label, "order": int(r["days"]), "what": what,
                                   "seconds": r[key]})
    x = alt.X("days:N", sort=alt.SortField("order"), title="days of data")
    layers = alt.Chart(pd.DataFrame(layer_rows)).mark_bar().encode(
        x=x, y=alt.Y("sum(seconds):Q", title="node time summed over threads (s)"),
        color=alt.Color("layer:N", sort=list(LAYERS)), order=alt.Order("layer:N"),
        tooltip=["format", "days", "layer", "seconds"],
    ).properties(width=260, height=260, title="full build: time per layer")
    totals = alt.Chart(pd.DataFrame(total_rows)).mark_line(point=True).encode(
        x=x, y=alt.Y("seconds:Q", title="wall time (s)"), color="what:N", tooltip=["format", "days", "what", "seconds"],
    ).properties(width=260, height=260, title="wall time")
    return alt.vconcat(*[
        alt.hconcat(layers.transform_filter(alt.datum.format == fmt), totals.transform_filter(alt.datum.format == fmt))
        .properties(title=f"{fmt} raw files") for fmt in sorted({r["format"] for r in runs})
    ])


@click.command(name="chart")
@click.option("--results", default="benchmarks/results.jsonl", show_default=True, type=click.Path(dir_okay=False),
              help="The runs `ccw bench build` recorded.")
@click.option("--out", default="benchmarks/scaling.html", show_default=True, type=click.Path(dir_okay=False),
              help="The chart (one self-contained HTML file).")
@click.option("--append", is_flag=True, help="Also append the scaling table to the Markdown results file beside --results.")
def chart(results: str, out: str, append: bool) -> None:
    """Chart how the build's time per layer grows with 30, 90, 365 days (from `ccw bench build` runs)."""
    path = resolve(results)
    if not path.is_file():
        raise CcwError(f"no benchmark runs recorded at {path}", "--results", "run `ccw bench build` first")
    records = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise CcwError(f"line {n} is not JSON", str(path), "remove or fix that line") from None
    runs = newest_runs(records)
    if not runs:
        raise CcwError(f"no complete run in {path}", "--results", "run `ccw bench build` first")
    table = scaling_table(runs)
    click.echo(table)
    target = resolve(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    scaling_chart(runs).save(str(target))
    click.echo(f"wrote {target}", err=True)
    if append:
        md = path.with_suffix(".md")
        with md.open("a") as fh:
            fh.write("## Scaling (newest run per size, `ccw bench chart`)\n\nNode time per layer is summed over dbt's "
                     "threads (seconds); wall times are the phases' own. Share: the day's load over the full build, "
                     "dbt's fixed start-up and parse cost left out of both where the run measured it (`dbt_fixed_s`), "
                     "else wall over wall.\n\n" + table + f"\n\nChart: `{out}`.\n\n")
        click.echo(f"appended the table to {md}", err=True)

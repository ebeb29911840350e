"""dbt with critical-path-first scheduling: `python -m ccw.warehouse.dbt_schedule <dbt args>`.

dbt hands the ready nodes to its threads by graph depth, then by name
(`dbt.graph.queue.GraphQueue._get_scores`). At a year of a 300-agent centre
that starts the chat chain (`base_messaging__messages_parsed` ->
`base_messaging__messages` -> `int_messages_sessionized` -> ...), the longest
in the build, after a dozen smaller staging nodes that happen to be ready
first or sort first, and the build ends on that chain with one thread idle.

Here a node's score is minus the estimated seconds from its start to the end
of the build along its slowest path of descendants (its own cost included),
so of the ready nodes the one with the most work behind it goes first: the
classic list-scheduling rule (critical path first). Dependencies are dbt's,
untouched: only the order among ready nodes changes, never what runs or the
results. The costs are a profile of relative node times shipped with the
project (`node_costs.json`, from a year-scale full build: `python -m
ccw.warehouse.dbt_schedule --write-costs run_results.json`: its models and
seeds); a node it does not name costs 0.1 s if it is a test (data tests took
0.06 s and unit tests 0.2 s, median, at that scale) and 1 s otherwise. A fixed profile, not the last run's timings, so that the
order does not depend on what the build folder ran before.

dbt offers no setting for this order, so this replaces the one method that
computes it (pinned dbt-core, see uv.lock). Should a dbt release drop or
rename the method, the build runs with dbt's own order and says so on
stderr. Plain `dbt build` (without `ccw build`) keeps dbt's order, and so do
the in-process invocations of the day-by-day replay (`DbtSession`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

COSTS_FILE = Path(__file__).with_name("node_costs.json")
DEFAULT_COST = 1.0
TEST_COST = 0.1


def load_costs(path: Path = COSTS_FILE) -> dict[str, float]:
    """Node name (the last part of a unique id) -> seconds."""
    return {str(k): float(v) for k, v in json.loads(path.read_text())["node_seconds"].items()}


def node_name(unique_id: str) -> str:
    return unique_id.split(".")[-1] if unique_id.startswith(("model.", "seed.", "snapshot.")) else unique_id


def critical_path_scores(nodes: Iterable[str], successors: Mapping[str, Iterable[str]],
                         costs: Mapping[str, float]) -> dict[str, float]:
    """node -> minus the cost of the slowest path from the node to a sink, the node included
    (lower score = handed out first, as dbt's queue expects)."""
    nodes = list(nodes)
    order = _topological(nodes, successors)
    longest: dict[str, float] = {}
    for node in reversed(order):
        own = costs.get(node_name(node), TEST_COST if node.startswith(("test.", "unit_test.")) else DEFAULT_COST)
        longest[node] = own + max((longest[c] for c in successors.get(node, ())), default=0.0)
    return {n: -round(longest[n], 6) for n in nodes}


def _topological(nodes: list[str], successors: Mapping[str, Iterable[str]]) -> list[str]:
    indegree = {n: 0 for n in nodes}
    for n in nodes:
        for c in successors.get(n, ()):
            indegree[c] += 1
    ready = [n for n in nodes if indegree[n] == 0]
    order: list[str] = []
    while ready:
        n = ready.pop()
        order.append(n)
        for c in successors.get(n, ()):
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    if len(order) != len(nodes):
        raise ValueError("the graph has a cycle")
    return order


def install(costs: Mapping[str, float]) -> bool:
    """Make dbt's GraphQueue hand out ready nodes critical path first. False (and dbt's own
    order) when this dbt has no `GraphQueue._get_scores` to replace."""
    try:
        from dbt.graph.queue import GraphQueue
    except ImportError:
        return False
    if not callable(getattr(GraphQueue, "_get_scores", None)):
        return False

    def _get_scores(self: Any, graph: Any) -> dict[str, float]:
        return critical_path_scores(graph.nodes(), {n: list(graph.successors(n)) for n in graph.nodes()}, costs)

    GraphQueue._get_scores = _get_scores
    return True


def write_costs(run_results: Path, out: Path = COSTS_FILE) -> None:
    """The profile from a build's run_results.json: each model's and seed's execution time."""
    results = json.loads(run_results.read_text())["results"]
    seconds = {node_name(r["unique_id"]): round(r["execution_time"], 1) for r in results
               if r["unique_id"].startswith(("model.", "seed.")) and r.get("execution_time")}
    out.write_text(json.dumps({
        "about": "Relative node times for critical-path-first scheduling (ccw/warehouse/dbt_schedule.py), "
                 "from the run_results.json of a year-scale full build; regenerate with "
                 "python -m ccw.warehouse.dbt_schedule --write-costs RUN_RESULTS",
        "node_seconds": dict(sorted(seconds.items())),
    }, indent=1) + "\n")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--write-costs"] and len(argv) == 2:
        write_costs(Path(argv[1]))
        return 0
    if not install(load_costs()):
        print("ccw: this dbt has no GraphQueue._get_scores; running with dbt's own node order", file=sys.stderr)
    from dbt.cli.main import cli

    sys.argv = ["dbt", *argv]
    return cli()  # click's standalone mode exits with dbt's status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Critical-path-first scheduling of dbt's ready nodes (ccw/warehouse/dbt_schedule.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest
from ccw.paths import PROJECT_ROOT
from ccw.warehouse import dbt_schedule

# A(1) -> B(10) -> C(1);  D(5);  E(2) -> F(2)
TOY_EDGES = [("A", "B"), ("B", "C"), ("E", "F")]
TOY_COSTS = {"A": 1, "B": 10, "C": 1, "D": 5, "E": 2, "F": 2}


def toy_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(TOY_COSTS)
    g.add_edges_from(TOY_EDGES)
    return g


def test_score_is_minus_the_slowest_path_to_the_end():
    g = toy_graph()
    scores = dbt_schedule.critical_path_scores(g.nodes(), {n: list(g.successors(n)) for n in g}, TOY_COSTS)
    # by hand: A 1+10+1, B 10+1, C 1, D 5, E 2+2, F 2
    assert scores == {"A": -12, "B": -11, "C": -1, "D": -5, "E": -4, "F": -2}


def test_unknown_nodes_cost_one_second_and_tests_a_tenth():
    scores = dbt_schedule.critical_path_scores(
        ["model.p.x", "test.p.not_null_x", "model.p.y"],
        {"model.p.x": ["test.p.not_null_x"], "test.p.not_null_x": ["model.p.y"]}, {"y": 3})
    assert scores == {"model.p.x": -4.1, "test.p.not_null_x": -3.1, "model.p.y": -3}


def _hand_out_one_at_a_time(queue) -> list[str]:
    order = []
    while not queue.empty():
        node = queue.get(block=False).unique_id
        order.append(node)
        queue.mark_done(node)
    return order


class _Manifest:
    def expect(self, unique_id: str) -> SimpleNamespace:
        return SimpleNamespace(unique_id=unique_id)


def test_dbt_queue_hands_out_the_longest_remaining_chain_first(monkeypatch: pytest.MonkeyPatch):
    from dbt.graph.queue import GraphQueue

    # dbt's own order (depth, then name), as the pinned dbt-core computes it
    default = _hand_out_one_at_a_time(GraphQueue(toy_graph(), _Manifest(), set(TOY_COSTS)))
    assert default == ["A", "D", "E", "B", "F", "C"]
    monkeypatch.setattr(GraphQueue, "_get_scores", GraphQueue._get_scores)  # restored after the test
    assert dbt_schedule.install(TOY_COSTS)
    # ready {A, D, E}: A (12 s to go); {B, D, E}: B (11); {C, D, E}: D (5); {C, E}: E (4); {C, F}: F (2); C
    assert _hand_out_one_at_a_time(GraphQueue(toy_graph(), _Manifest(), set(TOY_COSTS))) == ["A", "B", "D", "E", "F", "C"]


def test_cost_profile_names_only_models_and_seeds_of_the_project():
    names = {p.stem for p in (PROJECT_ROOT / "models").rglob("*.sql")} | {p.stem for p in (PROJECT_ROOT / "seeds").glob("*.csv")}
    costs = dbt_schedule.load_costs()
    assert set(costs) <= names, sorted(set(costs) - names)
    # the chat chain, the build's longest, is in it
    assert costs["base_messaging__messages_parsed"] > costs["base_telephony__calls_parsed"] > 0


def test_write_costs_keeps_models_and_seeds(tmp_path: Path):
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        '{"results": [{"unique_id": "model.p.m", "execution_time": 2.04}, {"unique_id": "seed.p.s", '
        '"execution_time": 0.3}, {"unique_id": "test.p.t", "execution_time": 1.0}]}')
    out = tmp_path / "costs.json"
    dbt_schedule.write_costs(run_results, out)
    assert dbt_schedule.load_costs(out) == {"m": 2.0, "s": 0.3}

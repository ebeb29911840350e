"""The marts are a public contract: every mart is public, contracted, typed,
documented and keyed, and a change of a column's type breaks the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_marts_helpers import MARTS, dbt, project_copy, shared_project, warehouse_copy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory, demo_raw: Path, demo_warehouse: Path) -> dict:
    project, _ = shared_project(tmp_path_factory, demo_raw, demo_warehouse)
    return json.loads((project / "target" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def contract_project(tmp_path_factory: pytest.TempPathFactory, demo_raw: Path, demo_warehouse: Path):
    """A private project copy (mutated by the tests, restored after each) whose unchanged
    version builds fct_queue_daily against a copy of the built warehouse (the control)."""
    work = tmp_path_factory.mktemp("marts_contract")
    project = project_copy(work / "project")
    wh = warehouse_copy(demo_warehouse, work / "wh")
    ok = dbt(project, ["run", "--select", "fct_queue_daily"], demo_raw, wh, check=False)
    assert ok.returncode == 0, ok.stdout[-3000:]
    return project, wh


def _mart_nodes(manifest: dict) -> dict[str, dict]:
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] in MARTS}
    assert sorted(nodes) == sorted(MARTS), f"missing marts: {set(MARTS) - set(nodes)}"
    return nodes


def test_every_mart_is_public_contracted_typed_and_documented(manifest: dict) -> None:
    problems = []
    for name, node in _mart_nodes(manifest).items():
        if node["config"]["schema"] != "marts" and node["schema"] != "marts":
            problems.append(f"{name}: not in schema marts")
        if node.get("access") != "public":
            problems.append(f"{name}: access is {node.get('access')}")
        if not node["config"].get("contract", {}).get("enforced"):
            problems.append(f"{name}: contract not enforced")
        if len(node.get("description") or "") < 20:
            problems.append(f"{name}: no model description")
        if not node["columns"]:
            problems.append(f"{name}: no columns documented")
        for col in node["columns"].values():
            if not col.get("data_type"):
                problems.append(f"{name}.{col['name']}: no data_type")
            if len(col.get("description") or "") < 5:
                problems.append(f"{name}.{col['name']}: no description")
    assert not problems, "\n".join(problems)


def test_every_mart_has_a_primary_key_test(manifest: dict) -> None:
    marts = _mart_nodes(manifest)
    keyed: dict[str, set[str]] = {name: set() for name in marts}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        meta = node.get("test_metadata") or {}
        for parent in node["depends_on"]["nodes"]:
            name = parent.split(".")[-1]
            if name in keyed:
                if meta.get("name") == "unique_combination_of_columns":
                    keyed[name].add("combination")
                elif meta.get("name") == "primary_key":
                    keyed[name].add("primary_key")
                elif meta.get("name") in ("unique", "not_null"):
                    keyed[name].add(f"{meta['name']}:{node.get('column_name')}")
    missing = []
    for name, tests in keyed.items():
        cols = {t.split(":", 1)[1] for t in tests if t.startswith("unique:")}
        has_single = any(f"not_null:{c}" in tests for c in cols)
        if not (has_single or "combination" in tests or "primary_key" in tests):
            missing.append(name)
    assert not missing, f"marts without a primary-key test: {missing}"


def test_marts_have_no_select_star_from_an_import_into_final(project_root: Path) -> None:
    """Explicit column lists: the public column set is written out in `final`."""
    for name in MARTS:
        sql = (project_root / "models" / "marts" / f"{name}.sql").read_text()
        final = sql.split("final as (", 1)[1]
        body = final.rsplit("select * from final", 1)[0]
        assert "select *" not in body and ".*" not in body, f"{name}: select * inside final"


@pytest.mark.parametrize(
    "where, old, new",
    [
        ("models/marts/fct_queue_daily.yml", "- name: offered\n        data_type: bigint", "- name: offered\n        data_type: varchar"),
        # the column's SQL type comes from the KPI catalogue (the YAML is not re-synced)
        ("macros/kpis/kpi_catalogue.sql", "- measure: offered\n    type: bigint", "- measure: offered\n    type: varchar"),
    ],
    ids=["yaml-type-changed", "sql-type-changed"],
)
def test_contract_enforcement_rejects_a_changed_column_type(
    where: str, old: str, new: str, contract_project, demo_raw: Path
) -> None:
    project, wh = contract_project
    path = project / where
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {where}"
    path.write_text(text.replace(old, new))
    try:
        broken = dbt(project, ["run", "--select", "fct_queue_daily"], demo_raw, wh, check=False)
    finally:
        path.write_text(text)
    assert broken.returncode != 0, "dbt accepted a mart whose column type breaks its contract"
    assert "contract" in broken.stdout.lower(), broken.stdout[-3000:]


def _catalogue_measures() -> dict[str, list[str]]:
    """Measure columns per fact, read from the KPI catalogue (not from the YAML under test)."""
    from ccw.warehouse.catalogue import Measure, load

    cat = load()
    measures = {fact: [e.name for e in entries if isinstance(e, Measure)] for fact, entries in cat.facts.items()}
    return {
        "fct_agent_daily": measures["agent_day"], "fct_team_daily": measures["agent_day"],
        "fct_queue_daily": measures["queue_day"], "fct_queue_interval": measures["queue_day"],
        "fct_centre_interval": measures["queue_day"],
    }


def test_measure_columns_carry_not_null_and_non_negative_constraints_in_the_built_marts(
    manifest: dict, demo_con
) -> None:
    """Never-null, never-negative measure columns are DuckDB constraints of the built tables
    (docs/quality-gates.md): every catalogue measure of every fact, plus every column whose
    YAML declares them."""
    rows = demo_con.execute(
        "select table_name, constraint_type, constraint_column_names, expression from duckdb_constraints() "
        "where schema_name = 'marts' and constraint_type in ('NOT NULL', 'CHECK')"
    ).fetchall()
    built_not_null = {(t, cols[0]) for t, kind, cols, _ in rows if kind == "NOT NULL"}
    built_check = {(t, cols[0]) for t, kind, cols, expr in rows if kind == "CHECK" and ">= 0" in expr and len(cols) == 1}
    expected_not_null: set[tuple[str, str]] = set()
    expected_check: set[tuple[str, str]] = set()
    for fact, columns in _catalogue_measures().items():
        expected_not_null |= {(fact, c) for c in columns}
        expected_check |= {(fact, c) for c in columns}
    for name, node in _mart_nodes(manifest).items():
        for col in node["columns"].values():
            for constraint in col.get("constraints") or []:
                if constraint["type"] == "not_null":
                    expected_not_null.add((name, col["name"]))
                elif constraint["type"] == "check":
                    expected_check.add((name, col["name"]))
    assert len(expected_check) >= 150  # 58 agent-day + 58 team-day + 11 x 2 queue + 11 centre measures, + the rest
    assert not expected_not_null - built_not_null, sorted(expected_not_null - built_not_null)[:10]
    assert not expected_check - built_check, sorted(expected_check - built_check)[:10]


@pytest.mark.parametrize(
    "value, args, message",
    [
        ("cast(-1 as bigint)", ["run"], "check constraint"),
        ("cast(null as bigint)", ["run", "--full-refresh"], "not null constraint"),
    ],
    ids=["negative-on-an-incremental-load", "null-on-a-full-refresh"],
)
def test_a_negative_or_null_measure_fails_the_model(
    value: str, args: list[str], message: str, contract_project, demo_raw: Path
) -> None:
    project, wh = contract_project
    path = project / "models" / "marts" / "fct_queue_daily.sql"
    text = path.read_text()
    old = "\nselect * from final\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, f"\nselect * replace ({value} as abandoned) from final\n"))
    try:
        broken = dbt(project, [*args, "--select", "fct_queue_daily"], demo_raw, wh, check=False)
    finally:
        path.write_text(text)
    assert broken.returncode != 0, "a mart with a negative or null measure was written"
    assert message in broken.stdout.lower() and "abandoned" in broken.stdout.lower(), broken.stdout[-3000:]


def _fails_with_after_planting(project: Path, demo_raw: Path, demo_warehouse: Path, model: str,
                               test_name: str, plant, columns: list[str], n_results: int):
    """Run the generic test `test_name` of `model` on a copy of the built warehouse: it must
    pass; then plant bad rows with `plant(connection)` and run it again with --store-failures:
    it must fail with `n_results` rows. Returns (what plant returned, the stored rows' `columns`).
    A `dbt test` of its own reads whole tables, never only the rows a load wrote
    (macros/incremental.sql): the keyed int_tickets_resolved's planted rows, changed in no
    load, are found."""
    import duckdb

    # one path for every call (a fresh copy each time): dbt's partial parse is kept for the
    # profile's warehouse path, so a path of its own per test would mean a full parse each
    wh = warehouse_copy(demo_warehouse, project.parent / "planted")
    select = ["test", "--select", f"{model},test_name:{test_name}"]
    ok = dbt(project, select, demo_raw, wh, check=False)
    assert ok.returncode == 0 and f"PASS {test_name}_{model}" in ok.stdout, ok.stdout[-3000:]
    con = duckdb.connect(str(wh))
    planted = plant(con)
    con.close()
    broken = dbt(project, [*select, "--store-failures"], demo_raw, wh, check=False)
    assert broken.returncode != 0 and f"Got {n_results} results" in broken.stdout, broken.stdout[-3000:]
    con = duckdb.connect(str(wh), read_only=True)
    # the one test run with --store-failures (dbt shortens a long test name: match its start only)
    stored_tables = con.execute("select table_schema, table_name from information_schema.tables "
                                "where table_name like ?", [f"{test_name}_%"]).fetchall()
    assert len(stored_tables) == 1 and model[:15] in stored_tables[0][1], stored_tables
    stored = stored_tables[0]
    rows = set(con.execute(f'select {", ".join(columns)} from "{stored[0]}"."{stored[1]}"').fetchall())
    con.close()
    return planted, rows


def test_column_rules_names_each_broken_rule(contract_project, demo_raw: Path, demo_warehouse: Path) -> None:
    """tests/generic/column_rules.sql: one test over a model's never-null and never-negative
    columns; it passes on the built warehouse and, with one null and two negatives planted,
    fails with one row per broken rule."""
    def plant(con) -> None:
        con.execute("update intermediate.int_tickets_resolved set solved_date = null "
                    "where ticket_id = (select min(ticket_id) from intermediate.int_tickets_resolved)")
        con.execute("update intermediate.int_tickets_resolved set resolution_s = -5 where ticket_id in "
                    "(select ticket_id from intermediate.int_tickets_resolved order by ticket_id desc limit 2)")

    project, _ = contract_project
    _, rows = _fails_with_after_planting(project, demo_raw, demo_warehouse, "int_tickets_resolved",
                                         "column_rules", plant, ["column_name", "rule", "failing_rows"], 2)
    assert rows == {("solved_date", "not_null", 1), ("resolution_s", "non_negative", 2)}


@pytest.mark.parametrize(
    "model, updates, expected",
    [
        # accepted_values: two rows of an unknown status, one of an unknown priority; a null status passes
        ("fct_tickets",
         ["update marts.fct_tickets set status = 'lost' where ticket_id in "
          "(select ticket_id from marts.fct_tickets order by ticket_id limit 2)",
          "update marts.fct_tickets set priority = 'p0' where ticket_id = "
          "(select max(ticket_id) from marts.fct_tickets)"],
         {("status", "accepted_values", 2), ("priority", "accepted_values", 1)}),
        # ranges: a rate above 1 and one below 0 break [0, 1]; 0 and 1 themselves pass
        ("fct_chat_automation_daily",
         ["update marts.fct_chat_automation_daily set bot_containment_rate = 1.5 where activity_date = "
          "(select min(activity_date) from marts.fct_chat_automation_daily)",
          "update marts.fct_chat_automation_daily set bot_handover_rate = -0.25 where activity_date = "
          "(select max(activity_date) from marts.fct_chat_automation_daily)",
          "update marts.fct_chat_automation_daily set bot_containment_rate = 1, bot_handover_rate = 0 "
          "where activity_date not in ((select min(activity_date) from marts.fct_chat_automation_daily), "
          "(select max(activity_date) from marts.fct_chat_automation_daily))"],
         None),
    ],
    ids=["accepted-values", "ranges"],
)
def test_column_rules_accepted_values_and_ranges_name_the_broken_column(
        model: str, updates: list[str], expected: set | None, contract_project, demo_raw: Path,
        demo_warehouse: Path) -> None:
    """The accepted_values and ranges rules of column_rules (which replaced dbt's accepted_values
    and the project's accepted_range tests, one node per column): pass on the built warehouse,
    and with values planted outside the list or the range, fail with one row per broken
    column and the number of rows breaking it; nulls and the bounds themselves pass."""
    def plant(con) -> dict[str, int]:
        for update in updates:
            con.execute(update)
        if model != "fct_chat_automation_daily":
            return {}
        return dict(con.execute(
            "select 'bot_containment_rate', count(*) filter (where bot_containment_rate > 1) "
            "from marts.fct_chat_automation_daily union all "
            "select 'bot_handover_rate', count(*) filter (where bot_handover_rate < 0) "
            "from marts.fct_chat_automation_daily").fetchall())

    project, _ = contract_project
    n_results = len(expected) if expected else 2
    outside, rows = _fails_with_after_planting(project, demo_raw, demo_warehouse, model, "column_rules",
                                               plant, ["column_name", "rule", "failing_rows"], n_results)
    if expected is None:  # as many rows as the planted day has (queues x channels)
        assert all(n > 0 for n in outside.values()), outside
        expected = {(column, "range", n) for column, n in outside.items()}
    assert rows == expected


def test_primary_key_fails_on_a_null_key_column_and_on_a_repeated_key(
        contract_project, demo_raw: Path, demo_warehouse: Path) -> None:
    """tests/generic/primary_key.sql: the key test of the int_agent_daily_<family> views (a key
    column null, or the key repeated, in one query). It passes on the built warehouse; with the
    view replaced by its rows plus one row of a null agent and one repeated agent-day, it fails
    with exactly those two keys, each named by the rule it breaks."""
    def plant(con) -> tuple:
        agent, day = con.execute("select agent_id, activity_date from intermediate.int_agent_daily_chats "
                                 "order by activity_date desc, agent_id limit 1").fetchone()
        con.execute("create table intermediate.chats_rows as select * from intermediate.int_agent_daily_chats")
        one_row = f"from intermediate.chats_rows where agent_id = '{agent}' and activity_date = date '{day}'"
        con.execute("create or replace view intermediate.int_agent_daily_chats as "
                    "select * from intermediate.chats_rows "
                    f"union all select * replace (null as agent_id) {one_row} "
                    f"union all select * {one_row}")
        return agent, day

    project, _ = contract_project
    (agent, day), rows = _fails_with_after_planting(
        project, demo_raw, demo_warehouse, "int_agent_daily_chats", "primary_key", plant,
        ["agent_id", "activity_date", "n_rows", "broken_rule"], 2)
    assert rows == {(None, day, 1, "null key"), (agent, day, 2, "duplicate key")}


def test_primary_key_on_a_key_column_replaces_unique_and_not_null(
        contract_project, manifest: dict, demo_raw: Path, demo_warehouse: Path) -> None:
    """The column form of primary_key (in place of the unique + not_null pair on every key
    column): on int_tickets_resolved.ticket_id it passes on the built warehouse; with one row
    copied under a null ticket_id and one ticket's row repeated, it fails with exactly those two
    keys. No unique, not_null or unique_combination_of_columns test is left on a key column
    (single or compound) that has primary_key."""
    def plant(con) -> str:
        ticket = con.execute("select min(ticket_id) from intermediate.int_tickets_resolved").fetchone()[0]
        one_row = f"from intermediate.int_tickets_resolved where ticket_id = '{ticket}'"
        con.execute(f"insert into intermediate.int_tickets_resolved select * replace (null as ticket_id) {one_row}")
        con.execute(f"insert into intermediate.int_tickets_resolved select * {one_row}")
        return ticket

    project, _ = contract_project
    ticket, rows = _fails_with_after_planting(
        project, demo_raw, demo_warehouse, "int_tickets_resolved", "primary_key", plant,
        ["ticket_id", "n_rows", "broken_rule"], 2)
    assert rows == {(None, 1, "null key"), (ticket, 2, "duplicate key")}

    keys, other = set(), set()
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        kwargs = meta.get("kwargs") or {}
        if node["resource_type"] != "test":
            continue
        model = node.get("attached_node")
        if meta.get("name") == "primary_key":
            keys |= {(model, c) for c in (kwargs.get("columns") or [kwargs.get("column_name")])}
        elif meta.get("name") in ("unique", "not_null") and kwargs.get("column_name"):
            other.add(((model, kwargs["column_name"]), meta["name"]))
        elif meta.get("name") == "unique_combination_of_columns":
            other |= {((model, c), meta["name"]) for c in kwargs.get("combination_of_columns", [])}
    doubled = sorted(f"{t[0]}.{t[1]}: {name}" for t, name in other if t in keys)
    assert len(keys) >= 80 and not doubled, doubled

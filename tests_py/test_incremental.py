"""Loading a simulated month one day at a time (late rows included)
ends in the same warehouse as one full build of the same files.

The reference is `demo_warehouse` (one `dbt build` of `demo_raw`). The
replay copies the files of `demo_raw` day by day into a new folder and runs
an incremental `dbt run` after each day (ccw/warehouse/replay.py). Every mart and
every intermediate model must then equal the reference row for row.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from ccw.paths import file_day, raw_files

from spark_engines import copy_days
from staging_fixture import rejected_rows_differences as compare_rejected_rows


def _tables(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by 1",
        [db, schema]).fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = ? and table_name = ? "
        "order by column_index", [db, schema, table]).fetchall()]


# columns naming the dbt invocation that wrote the row (int_surveys_attributed, int_ticket_sla)
INVOCATION_COLUMNS = ("attributed_in", "computed_in")


def differences(reference: Path, candidate: Path, schemas: tuple[str, ...], skip: tuple[str, ...] = (),
                skip_prefixes: tuple[str, ...] = ()) -> dict:
    """{schema.table: (rows only in reference, rows only in candidate)} for every
    table that differs (multiset comparison of all columns), plus tables or
    columns missing on one side. Tables named in `skip` or starting with one
    of `skip_prefixes` are left out, and so are INVOCATION_COLUMNS."""
    con = duckdb.connect()
    con.execute(f"attach '{reference}' as ref (read_only)")
    con.execute(f"attach '{candidate}' as cand (read_only)")
    out = {}
    for schema in schemas:
        ref_tables = [t for t in _tables(con, "ref", schema) if t not in skip and not t.startswith(skip_prefixes)]
        cand_tables = [t for t in _tables(con, "cand", schema) if t not in skip and not t.startswith(skip_prefixes)]
        if set(ref_tables) != set(cand_tables):
            out[f"{schema} tables"] = (sorted(set(ref_tables) - set(cand_tables)), sorted(set(cand_tables) - set(ref_tables)))
        for table in sorted(set(ref_tables) & set(cand_tables)):
            cols = _columns(con, "ref", schema, table)
            if cols != _columns(con, "cand", schema, table):
                out[f"{schema}.{table} columns"] = (cols, _columns(con, "cand", schema, table))
                continue
            # which invocation wrote a row differs between any two builds
            col_list = ", ".join(f'"{c}"' for c in cols if c not in INVOCATION_COLUMNS)
            a, b = f"ref.{schema}.{table}", f"cand.{schema}.{table}"
            only_ref = con.execute(f"select count(*) from (select {col_list} from {a} except all select {col_list} from {b})").fetchone()[0]
            only_cand = con.execute(f"select count(*) from (select {col_list} from {b} except all select {col_list} from {a})").fetchone()[0]
            if only_ref or only_cand:
                out[f"{schema}.{table}"] = (only_ref, only_cand)
    con.close()
    return out


@pytest.fixture(scope="module")
def replayed(background) -> dict:
    """demo_raw loaded one day at a time (conftest.replay_month, started when the session started)."""
    return background.result("replay")


def _dbt(project_root: Path, work: Path, wh: Path, raw: Path, *args: str) -> None:
    env = {**os.environ, "DO_NOT_TRACK": "1", "RAW_DIR": str(raw), "WAREHOUSE_PATH": str(wh)}
    proc = subprocess.run(
        ["dbt", *args, "--profiles-dir", "profiles", "--target-path", str(work / "target"),
         "--log-path", str(work / "logs"), "--quiet"],
        cwd=project_root, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_the_month_holds_late_rows(demo_raw: Path, demo_warehouse: Path):
    """The replay covers late data: clean rows sit in the file of a later day,
    and customers, root call legs and tickets arrive after rows that point at
    them."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    late = con.execute(
        "select count(*) from staging.base_messaging__messages "
        "where is_clean and cast(regexp_extract(source_file, '(\\d{4}-\\d{2}-\\d{2})\\.\\w+$', 1) as date) > impact_date"
    ).fetchone()[0]
    # references that arrive after the rows pointing at them: these rows are
    # "pending" until the target arrives (re-decided by the load that brings it)
    def later(table, column, target_table, target_column, where="true"):
        return con.execute(f"""
            with targets as (
                select {target_column} as id, min(source_file) as first_file
                from staging.{target_table} where is_valid group by 1
            )
            select count(*) from staging.{table} as rows_ inner join targets on rows_.{column} = targets.id
            where rows_.is_clean and {where}
              and regexp_extract(targets.first_file, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')
                > regexp_extract(rows_.source_file, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')
        """).fetchone()[0]

    late_customers = later("base_messaging__messages", "customer_id", "base_crm__customers", "customer_id")
    late_roots = later("base_telephony__calls", "root_call_id", "base_telephony__calls", "call_id")
    late_tickets = sum(later(t, "ticket_id", "base_crm__tickets", "ticket_id")
                       for t in ("base_messaging__messages", "base_telephony__calls", "base_survey__responses"))
    con.close()
    assert late > 0
    assert late_customers > 0 and late_roots > 0 and late_tickets > 0, (late_customers, late_roots, late_tickets)
    days = {file_day(p) for p in raw_files(demo_raw)} - {""}
    assert len(days) >= 28


def test_day_by_day_loads_equal_one_full_build(replayed: dict, demo_raw: Path, demo_warehouse: Path):
    days = sorted({file_day(p) for p in raw_files(demo_raw)} - {""})
    assert [load["day"] for load in replayed["loads"]] == days
    assert all(load["ok"] for load in replayed["loads"])
    diff = differences(demo_warehouse, replayed["warehouse"], ("marts", "intermediate"), skip=("int_load_window",))
    assert diff == {}, f"incremental loads differ from the full build: {diff}"
    # the stg_ tables too (stg_crm__customers is keyed incremental); the base_
    # models carry which invocation loaded and changed each row, and
    # stg_rejected_rows the path of each row's file (the replay's own folder)
    diff = differences(demo_warehouse, replayed["warehouse"], ("staging",), skip=("stg_rejected_rows",),
                       skip_prefixes=("base_",))
    assert diff == {}, f"incremental loads differ from the full build in staging: {diff}"
    # stg_rejected_rows (incremental: a load replaces the rows of the base_
    # rows it changed) row for row, each file named relative to its raw folder
    assert rejected_rows_differences(demo_warehouse, demo_raw, replayed["warehouse"], replayed["raw"]) == (0, 0)


def rejected_rows_differences(reference: Path, reference_raw: Path, candidate: Path, candidate_raw: Path) -> tuple:
    """(rows only in reference, rows only in candidate) of staging.stg_rejected_rows
    (staging_fixture.rejected_rows_differences: the raw folder's path taken out)."""
    return compare_rejected_rows(("ref.staging.stg_rejected_rows", reference_raw),
                                 ("cand.staging.stg_rejected_rows", candidate_raw),
                                 {"ref": reference, "cand": candidate})


def test_day_by_day_loads_decide_every_raw_row_as_one_full_build(replayed: dict, demo_warehouse: Path):
    """The resolved layer row by row: each distinct raw row gets the reason,
    outcome and resolved ticket link of the full build. A pending row is
    re-decided only when a target it references or links to changed in a
    load (macros/staging/staging_resolved.sql): the late customers, root legs
    and tickets of the month must still resolve it."""
    columns = "raw_record_hash, raw_record, reason_code, is_valid, is_superseded, is_clean, is_pending, impact_date"
    tables = {"base_messaging__messages": ", ticket_id", "base_telephony__calls": ", ticket_id",
              "base_survey__responses": ", ticket_id", "base_crm__orders": "", "base_wfm__agent_states": ""}
    con = duckdb.connect(str(replayed["warehouse"]), read_only=True)
    con.execute(f"attach '{demo_warehouse}' as full_build (read_only)")
    for table, extra in tables.items():
        query = f"select {columns}{extra} from {{db}}staging.{table}"
        only_replayed = con.execute(f"select count(*) from ({query.format(db='')} except all "
                                    f"{query.format(db='full_build.')})").fetchone()[0]
        only_full = con.execute(f"select count(*) from ({query.format(db='full_build.')} except all "
                                f"{query.format(db='')})").fetchone()[0]
        assert (only_replayed, only_full) == (0, 0), table
    # the month's loads left rows pending, and resolved some on a later load
    pending = con.execute("select count(*) from staging.base_messaging__messages where is_pending").fetchone()[0]
    resolved_later = con.execute(
        "select count(*) from staging.base_messaging__messages as m "
        "where m.is_clean and m.changed_in != (select min(p.loaded_in) from staging.base_messaging__messages_parsed as p "
        "where p.raw_record_hash = m.raw_record_hash)").fetchone()[0]
    con.close()
    assert pending > 0 and resolved_later > 0, (pending, resolved_later)


def test_later_loads_recompute_a_window_not_everything(replayed: dict, demo_raw: Path):
    """The last load re-decided only recent days: its window starts well after
    the first day, and the windowed models kept rows built by earlier loads."""
    con = duckdb.connect(str(replayed["warehouse"]), read_only=True)
    invocation, changed, start, lookback, window_start = con.execute(
        "select invocation_id, changed_rows, changes_start_date, lookback_days, window_start_date "
        "from intermediate.int_load_window").fetchone()
    first_day = min(con.execute("select min(activity_date) from marts.fct_agent_daily").fetchone())
    messages_by_run = con.execute(
        "select count(distinct changed_in) from staging.base_messaging__messages").fetchone()[0]
    con.close()
    assert changed > 0
    assert lookback == 8  # FCR 168 h = 7 days, + 1 day for the reporting-day overlap
    assert (start - window_start).days == lookback
    assert (window_start - first_day).days > 7
    # rows decided by many different loads survive: staging is not rebuilt
    assert messages_by_run > len(replayed["loads"]) // 2


def test_a_windowed_model_reads_its_window_start_once_a_load(replayed: dict):
    """A windowed model narrows each of its inputs to the load window, and reads the
    window's start (and a time zone's fixed offset) once when dbt compiles it and once
    more when its strategy replaces the window, not once per input (load_window_start_date
    and fixed_utc_offset_s keep them for the node: fct_agent_daily read int_load_window
    9 times). Read from the last load's dbt.log (debug: every query)."""
    from collections import Counter

    log = (replayed["work"] / "logs" / "dbt.log").read_text()
    last = log[log.rindex("Running with dbt"):]
    queries = re.findall(r"\]: On model\.contact_center\.(\w+): /\* \{.*?\} \*/\n(.*?)\n\d\d:\d\d:\d\d\.\d+ ",
                         last, re.S)
    assert len(queries) > 300, len(queries)  # the pattern still reads dbt's log
    start_reads = Counter(model for model, sql in queries
                          if re.match(r"\s*select\s+cast\(", sql) and "int_load_window" in sql)
    offsets = Counter((model, re.search(r"timezone\('([^']+)'", sql).group(1)) for model, sql in queries
                      if "datediff('second', h, timezone(" in sql)
    assert start_reads["fct_agent_daily"] == 2 and offsets[("fct_agent_daily", "Asia/Shanghai")] == 1
    assert len(start_reads) >= 15, start_reads  # the windowed models of a load
    assert {m: n for m, n in start_reads.items() if n > 2} == {}
    assert {k: n for k, n in offsets.items() if n > 2} == {}


def test_a_load_lets_duckdb_compact_only_when_a_table_holds_a_quarter_deleted_rows(replayed: dict):
    """storage_compaction (on-run-start, macros/storage.sql): every invocation of the replayed
    month logs the table holding the most deleted rows, and turns DuckDB's vacuum off (a load
    then rewrites only what it changed) unless that share is 25 % or more (DuckDB's default
    vacuum, which compacts). Read from the replay's dbt.log files, oldest first."""
    logs = sorted((replayed["work"] / "logs").glob("dbt.log*"), key=lambda p: p.stat().st_mtime)
    text = "".join(p.read_text() for p in logs)
    decisions = re.findall(r"\]: storage: (compacting|not compacting); most deleted rows: (\S+) ([\d.]+) %", text)
    statements = re.findall(r"^(set global max_vacuum_tasks = 0|reset global max_vacuum_tasks)$", text, re.M)
    assert len(decisions) >= 20 and len(statements) == len(decisions), (len(decisions), len(statements))
    assert decisions[0] == ("not compacting", "none", "0.0")  # the first build: no table yet
    for (decision, table, share), statement in zip(decisions, statements, strict=True):
        compacts = float(share) >= 25
        assert decision == ("compacting" if compacts else "not compacting"), (decision, table, share)
        assert statement == ("reset global max_vacuum_tasks" if compacts else "set global max_vacuum_tasks = 0")
        assert (table == "none") == (float(share) == 0)
    assert {d for d, _, _ in decisions} == {"compacting", "not compacting"}


def test_models_with_window_entities_read_only_those_entities(replayed: dict):
    """A windowed model configured with window entities (load_window_config:
    the chat and workforce models) recomputes from those entities' changes
    only, so nothing upstream of it may come from another raw entity: every
    base_ model it reaches through its refs (int_load_window aside, read
    for the dates) is one of its entities'. The walk stops at a base_
    model: what its references and links bring (a customer who arrives, a
    ticket a message names) changes its rows' changed_in, hence their
    entity's window. The last load's per-entity
    starts are each entity's earliest changed impact_date less the lookback."""
    manifest = json.loads((replayed["work"] / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    configured = {uid: n["config"]["window_entities"] for uid, n in nodes.items()
                  if n["resource_type"] == "model" and n["config"].get("window_entities")}
    assert {nodes[uid]["name"] for uid in configured} >= {"int_messages_sessionized", "int_conversations_measured",
                                                           "int_workforce_day_split"}
    for uid, entities in configured.items():
        reached, todo = set(), [uid]
        while todo:
            for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
                if parent in nodes and nodes[parent]["name"] != "int_load_window" and parent not in reached:
                    reached.add(parent)
                    if not nodes[parent]["name"].startswith("base_"):
                        todo.append(parent)
        bases = {nodes[p]["name"] for p in reached if nodes[p]["name"].startswith("base_")}
        assert bases, uid
        allowed = {f"base_{e}" for e in entities}
        assert bases <= allowed, f"{nodes[uid]['name']} reads {sorted(bases - allowed)} beyond its window entities"

    con = duckdb.connect(str(replayed["warehouse"]), read_only=True)
    window = con.execute("select * from intermediate.int_load_window").fetchdf().iloc[0]
    for entity in ("messaging__messages", "wfm__agent_states", "wfm__schedules", "crm__tickets"):
        earliest = con.execute(f"select min(impact_date) from staging.base_{entity} where changed_in = ?",
                               [window["invocation_id"]]).fetchone()[0]
        start = window[f"{entity}_window_start_date"]
        if earliest is None:
            assert start is None or start != start  # null (NaT)
        else:
            assert start.date() == earliest - timedelta(days=int(window["lookback_days"])), entity
            assert start >= window["window_start_date"]
    con.close()


def test_a_load_without_new_files_changes_nothing(replayed: dict, project_root: Path):
    work, wh = replayed["work"], replayed["warehouse"]
    copy = work / "again.duckdb"
    copy.write_bytes(wh.read_bytes())
    _dbt(project_root, work, copy, work / "raw", "run")
    con = duckdb.connect(str(copy), read_only=True)
    changed, window_start = con.execute(
        "select changed_rows, window_start_date from intermediate.int_load_window").fetchone()
    con.close()
    assert changed == 0 and window_start is None
    assert differences(wh, copy, ("marts",)) == {}


def _build_first_days(demo_raw: Path, project_root: Path, work: Path, n: int) -> tuple[list[str], Path, Path]:
    """The first `n` days of demo_raw copied to work/raw and built (seeds and models) into
    work/built.duckdb: (days, raw folder, warehouse)."""
    days = sorted({file_day(f) for f in raw_files(demo_raw)})[:n]
    raw = work / "raw"
    copy_days(demo_raw, raw, days)
    built = work / "built.duckdb"
    _dbt(project_root, work, built, raw, "seed")
    _dbt(project_root, work, built, raw, "run")
    return days, raw, built


def _refreshed_copy(loaded: Path, raw: Path, project_root: Path, work: Path) -> Path:
    """work/refreshed.duckdb: a copy of `loaded` rebuilt from every file of `raw`
    (`dbt run --full-refresh`), what a full build of those files gives."""
    refreshed = work / "refreshed.duckdb"
    refreshed.write_bytes(loaded.read_bytes())
    _dbt(project_root, work, refreshed, raw, "run", "--full-refresh")
    return refreshed


def test_a_late_survey_or_leg_of_an_old_call_reaches_its_contact_on_a_load(demo_raw: Path, project_root: Path,
                                                                          tmp_path: Path):
    """Spec, survey attribution: a response with the call_id of a known leg
    belongs to that leg's call contact, however long after the call it was
    sent; a transferred leg belongs to its root's contact. A load that brings
    such a row more than the lookback (8 days) after the call must recompute
    that contact's day (int_load_window): the row counts there, as in a full
    build of the same files. Here the calls are on the second of 12 days, and
    the response and the leg (each for another contact, each in a load of its
    own) on the last; a second late response goes to a contact whose CSAT
    already counted, and counts instead (int_surveys_attributed recomputes
    both responses of that contact on the load)."""
    days, raw, built = _build_first_days(demo_raw, project_root, tmp_path, 12)

    con = duckdb.connect(str(built), read_only=True)
    # a transferred leg where there is one: the response belongs to its root's contact
    contact_id, customer_id, owner, call_id = con.execute(
        """select contacts.contact_id, contacts.customer_id, contacts.owner_agent_id, legs.call_id
        from marts.fct_contacts as contacts
        inner join intermediate.int_call_legs_assembled as legs
            on contacts.contact_id = 'call-' || legs.contact_root_call_id
        where contacts.activity_date = ? and contacts.customer_id is not null
            and contacts.owner_agent_id is not null and contacts.csat_score is null
        order by legs.call_id <> legs.contact_root_call_id desc, legs.call_id
        limit 1""", [days[1]]).fetchone()
    # a contact whose CSAT already counts: a later response to it counts instead
    surveyed_id, surveyed_call_id, surveyed_customer, counted_id = con.execute(
        """select responses.contact_id, responses.call_id, responses.customer_id, responses.response_id
        from intermediate.int_surveys_attributed as responses
        where responses.is_counting and responses.survey = 'csat' and responses.attribution_method = 'call_id'
            and responses.contact_activity_date = ? and responses.contact_id <> ?
        order by responses.response_id
        limit 1""", [days[1], contact_id]).fetchone()
    other_id, other_root, other_handle_s = con.execute(
        """select contact_id, source_ref, handle_s from marts.fct_contacts
        where contact_type = 'call' and activity_date = ? and contact_id <> ? and handle_s is not null
        order by contact_id limit 1""", [days[1], contact_id]).fetchone()
    con.close()
    loaded, refreshed = tmp_path / "loaded.duckdb", tmp_path / "refreshed.duckdb"
    loaded.write_bytes(built.read_bytes())
    refreshed.write_bytes(built.read_bytes())
    # two loads, so that each row's own reach is what recomputes its contact's day
    response = raw / "survey" / "responses" / "2099-01-01.csv"
    response.write_text(
        '"response_id","customer_id","survey","channel","call_id","ticket_id","sent_at","responded_at","score",'
        '"comment"\n'
        f'"R-LATE-1","{customer_id}","csat","phone","{call_id}","","{days[-1]} 12:00:00","{days[-1]} 12:30:00","1",\n'
        f'"R-LATE-2","{surveyed_customer}","csat","phone","{surveyed_call_id}","","{days[-1]} 12:00:00",'
        f'"{days[-1]} 12:40:00","2",\n')
    _dbt(project_root, tmp_path, loaded, raw, "run")
    leg = raw / "telephony" / "calls" / "2099-01-02.csv"
    leg.write_text(  # answered after 10 s, 290 s of talk, 20 s of wrap-up: 310 s more handle time
        '"call_id","root_call_id","direction","caller_number","queue","agent_id","enqueued_at","answered_at",'
        '"ended_at","hold_s","acw_s","disposition","ticket_id"\n'
        f'"C-LATE-1","{other_root}","inbound",,"general","{owner}","{days[-1]} 12:00:00","{days[-1]} 12:00:10",'
        f'"{days[-1]} 12:05:00","0","20","answered",\n')
    _dbt(project_root, tmp_path, loaded, raw, "run")
    _dbt(project_root, tmp_path, refreshed, raw, "run", "--full-refresh")
    for wh in (loaded, refreshed):
        con = duckdb.connect(str(wh), read_only=True)
        assert con.execute("select csat_score from marts.fct_contacts where contact_id = ?",
                           [contact_id]).fetchone() == (1,), wh.name
        assert con.execute("select handle_s from marts.fct_contacts where contact_id = ?",
                           [other_id]).fetchone() == (other_handle_s + 310,), wh.name
        # the later response counts for its contact, the earlier one no longer
        assert con.execute("select csat_score from marts.fct_contacts where contact_id = ?",
                           [surveyed_id]).fetchone() == (2,), wh.name
        assert con.execute("select response_id, is_counting from marts.fct_survey_responses "
                           "where response_id in (?, 'R-LATE-2') order by response_id",
                           [counted_id]).fetchall() == sorted([(counted_id, False), ("R-LATE-2", True)]), wh.name
        con.close()
    assert differences(refreshed, loaded, ("marts", "intermediate"), skip=("int_load_window",)) == {}


def test_a_load_replaces_the_rejected_rows_it_changed(demo_raw: Path, project_root: Path, tmp_path: Path):
    """stg_rejected_rows is incremental: a load replaces the rows of the base_
    rows it changed (macros/incremental.sql, replace_rejected_rows). Two
    changes keep a row rejected and still change what it shows: a pending
    chat event whose unknown agent arrives fails its next rule (unknown
    agent -> unknown customer), and an exact copy of a rejected event in a
    file that sorts first moves the row to that file (the smallest file
    holding a copy). Each load must show what a full build shows.

    A keyless chat event (message_id blank: rejected, missing_key) is a scope
    of its own (contract_scope_key): its copy moves it like any rejected row,
    and a load re-decides no keyless row it holds no copy of (a planted
    value on another keyless row stays; with one scope '' for every keyless
    row, each load re-decided them all)."""
    days, raw, built = _build_first_days(demo_raw, project_root, tmp_path, 4)
    con = duckdb.connect(str(built), read_only=True)
    copied_id, copied_file = con.execute(
        """select record_key, source_file from staging.stg_rejected_rows
        where entity = 'messaging__messages' and reason_code not in ('unknown_agent', 'unknown_customer')
            and regexp_full_match(record_key, '[A-Za-z0-9_-]+')
        order by record_key""").fetchall()[0]
    keyless = con.execute(
        """select raw_record_hash, source_file, raw_record ->> 'sent_at' from staging.base_messaging__messages
        where message_id is null and duplicate_copies = 0 order by raw_record_hash limit 2""").fetchall()
    con.close()
    assert len(keyless) == 2, keyless
    (keyless_copied, keyless_file, keyless_sent_at), (keyless_left, _, _) = keyless
    messages, agents = raw / "messaging" / "messages", raw / "crm" / "agents"
    header, *lines = (messages / Path(copied_file).name).read_text().splitlines()
    copied_line = [line for line in lines if line.split(",")[0].strip('"') == copied_id]
    assert len(copied_line) == 1, copied_line
    keyless_line = [line for line in (messages / Path(keyless_file).name).read_text().splitlines()
                    if line.split(",")[0].strip('" ') == "" and keyless_sent_at in line]
    assert len(keyless_line) == 1, keyless_line
    agent_header, agent_line = (agents / f"{days[0]}.csv").read_text().splitlines()[:2]
    loaded = tmp_path / "loaded.duckdb"
    loaded.write_bytes(built.read_bytes())
    # load 1: a chat event of an agent and a customer nobody knows yet
    (messages / "2099-01-01.csv").write_text(
        f'{header}\n"M-PENDING-1","web","CU-NEVER-1","agent","message","A-LATE-1","{days[-1]}T12:00:00+08:00","40",\n')
    _dbt(project_root, tmp_path, loaded, raw, "run")
    # load 2: the agent arrives; the rejected event is exported again, in a file that sorts first
    agent_fields = agent_line.split(",")
    (agents / "2099-01-02.csv").write_text(f'{agent_header}\n"A-LATE-1",{",".join(agent_fields[1:])}\n')
    (messages / "2000-01-01.csv").write_text(f"{header}\n{copied_line[0]}\n{keyless_line[0]}\n")
    planted = "update staging.base_messaging__messages set duplicate_copies = ? where raw_record_hash = ?"
    with duckdb.connect(str(loaded)) as con:
        con.execute(planted, [99, keyless_left])
    _dbt(project_root, tmp_path, loaded, raw, "run")
    with duckdb.connect(str(loaded)) as con:
        assert con.execute("select duplicate_copies from staging.base_messaging__messages where raw_record_hash = ?",
                           [keyless_left]).fetchone() == (99,)  # not re-decided
        con.execute(planted, [0, keyless_left])
    refreshed = _refreshed_copy(loaded, raw, project_root, tmp_path)
    con = duckdb.connect(str(refreshed), read_only=True)
    shown = dict(con.execute(
        """select record_key, reason_code || ' ' || regexp_extract(source_file, '[^/]+$')
        from staging.stg_rejected_rows where record_key in ('M-PENDING-1', ?)""", [copied_id]).fetchall())
    keyless_shown = ("select reason_code, regexp_extract(source_file, '[^/]+$'), duplicate_copies "
                     "from staging.base_messaging__messages where raw_record_hash = ?")
    assert con.execute(keyless_shown, [keyless_copied]).fetchone() == ("missing_key", "2000-01-01.csv", 1)
    con.close()
    with duckdb.connect(str(loaded), read_only=True) as con:
        assert con.execute(keyless_shown, [keyless_copied]).fetchone() == ("missing_key", "2000-01-01.csv", 1)
    assert shown == {"M-PENDING-1": "unknown_customer 2099-01-01.csv",
                     copied_id: shown[copied_id].split(" ")[0] + " 2000-01-01.csv"}, shown
    assert rejected_rows_differences(refreshed, raw, loaded, raw) == (0, 0)
    assert differences(refreshed, loaded, ("marts", "intermediate"), skip=("int_load_window",)) == {}


def test_an_agent_who_moves_site_reaches_their_old_tickets_and_days_on_a_load(demo_raw: Path, project_root: Path,
                                                                               tmp_path: Path):
    """Business-hours SLA counts the hours of the agent's current site
    (int_contact_sla, int_ticket_sla), whatever the contact's or ticket's
    date. A load recomputes the tickets it changed and the open ones; a
    solved ticket keeps its row unless its agent's site changed, and the
    windowed models recompute the days of the load window only, unless an
    agent's current site changed (int_load_window). Here an agent moves on
    the last of 12 days, to a site business_hours does not list (the
    `default` hours count); their first-response SLA on the second day,
    older than the window reaches, changes, and so do their solved tickets'.
    The load must give what a full build gives."""
    import csv

    days, raw, built = _build_first_days(demo_raw, project_root, tmp_path, 12)
    con = duckdb.connect(str(built), read_only=True)
    agent = con.execute(
        """select agents.agent_id, agents.full_name, agents.email, agents.team, agents.site, agents.timezone,
            cast(agents.hired_on as varchar), cast(agents.left_on as varchar)
        from staging.stg_crm__agents as agents
        inner join marts.fct_agent_daily as daily on agents.agent_id = daily.agent_id
        where agents.is_current and daily.activity_date = ? and agents.site <> 'default'
            and agents.agent_id in (select assignee_agent_id from marts.fct_tickets
                                    where is_solved and sla_hours = 'business')
        order by daily.first_response_sla_contacts desc, agents.agent_id limit 1""", [days[1]]).fetchone()

    def sla_of(con: duckdb.DuckDBPyConnection) -> tuple:
        tickets = dict(con.execute(
            """select ticket_id, business_resolution_s from marts.fct_tickets
            where assignee_agent_id = ? and is_solved and sla_hours = 'business'""", [agent[0]]).fetchall())
        day = con.execute("""select first_response_sla_contacts, first_response_sla_met from marts.fct_agent_daily
            where agent_id = ? and activity_date = ?""", [agent[0], days[1]]).fetchone()
        return tickets, day

    before = sla_of(con)
    con.close()
    assert len(before[0]) > 1 and before[1][0] > 0, (agent, before)
    with (raw / "crm" / "agents" / "2099-01-01.csv").open("w", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(["agent_id", "full_name", "email", "team", "site", "timezone", "hired_on", "left_on",
                         "updated_at"])
        writer.writerow([*agent[:4], "Remote", *agent[5:7], agent[7] or "", f"{days[-1]}T23:00:00Z"])
    loaded = tmp_path / "loaded.duckdb"
    loaded.write_bytes(built.read_bytes())
    _dbt(project_root, tmp_path, loaded, raw, "run")
    refreshed = _refreshed_copy(loaded, raw, project_root, tmp_path)
    con = duckdb.connect(str(refreshed), read_only=True)
    after = sla_of(con)
    sites = con.execute("""select distinct sla_site from intermediate.int_ticket_sla as sla
        inner join marts.fct_tickets as tickets using (ticket_id) where tickets.assignee_agent_id = ?""",
                        [agent[0]]).fetchall()
    con.close()
    assert sites == [("default",)], sites
    assert after[0].keys() == before[0].keys() and after[0] != before[0], (before, after)
    assert after[1] != before[1], (before, after)  # the second day's first-response SLA, outside the window
    assert differences(refreshed, loaded, ("marts", "intermediate"), skip=("int_load_window",)) == {}


def test_full_refresh_of_the_replayed_warehouse_gives_the_same_marts(replayed: dict, project_root: Path,
                                                                      demo_warehouse: Path):
    work = replayed["work"]
    copy = work / "refreshed.duckdb"
    copy.write_bytes(replayed["warehouse"].read_bytes())
    _dbt(project_root, work, copy, work / "raw", "run", "--full-refresh")
    assert differences(demo_warehouse, copy, ("marts",)) == {}


def _column_compression(wh: Path, schema: str, table: str) -> dict[str, set[str]]:
    """{column: the compressions of its stored segments}."""
    con = duckdb.connect(str(wh), read_only=True)
    rows = con.execute(
        f"select column_name, compression from pragma_storage_info('{schema}.{table}') "
        "where segment_type <> 'VALIDITY'").fetchall()
    con.close()
    out: dict[str, set[str]] = {}
    for column, compression in rows:
        out.setdefault(column, set()).add(compression)
    return out


@pytest.mark.parametrize("schema, table, uncompressed, compressed", [
    ("staging", "base_messaging__messages_parsed", ["message_id", "scope_key"], ["channel", "sent_at"]),
    ("staging", "base_messaging__messages", ["message_id", "scope_key"], ["channel", "sent_at"]),
    ("staging", "base_wfm__agent_states", ["scope_key"], ["agent_id", "state"]),
    ("staging", "base_crm__tickets", [], ["ticket_id", "scope_key"]),
    ("intermediate", "int_messages_sessionized", ["message_id"], ["conversation_id", "channel"]),
    ("intermediate", "int_contacts_unioned", ["contact_id", "source_ref"], ["channel"]),
])
def test_nearly_unique_text_columns_are_stored_uncompressed_by_builds_and_loads(
        replayed: dict, demo_warehouse: Path, schema: str, table: str, uncompressed: list[str],
        compressed: list[str]):
    """macros/storage.sql: the columns of `uncompressed_columns` are written without
    compression by a full build and by every daily load's insert; the table's other
    columns keep DuckDB's choice."""
    for wh in (demo_warehouse, replayed["warehouse"]):
        stored = _column_compression(wh, schema, table)
        for column in uncompressed:
            assert stored[column] == {"Uncompressed"}, (wh.name, table, column, stored[column])
        for column in compressed:
            assert stored[column] != {"Uncompressed"}, (wh.name, table, column, stored[column])

def test_differences_sees_a_changed_row(demo_warehouse: Path, tmp_path: Path):
    """Control: the comparison used above fails on a one-value change."""
    copy = tmp_path / "changed.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("update marts.fct_agent_daily set contacts_owned = contacts_owned + 1 "
                "where (agent_id, activity_date) in (select agent_id, activity_date from marts.fct_agent_daily limit 1)")
    con.close()
    assert differences(demo_warehouse, copy, ("marts",)) == {"marts.fct_agent_daily": (1, 1)}


def _compiled_tests(project_root: Path, work: Path, wh: Path, raw: Path, names: list[str], *args: str) -> dict[str, str]:
    target = work / "target_tests"
    env = {**os.environ, "DO_NOT_TRACK": "1", "RAW_DIR": str(raw), "WAREHOUSE_PATH": str(wh)}
    proc = subprocess.run(
        ["dbt", "compile", "--select", " ".join(names), *args, "--profiles-dir", "profiles",
         "--target-path", str(target), "--log-path", str(work / "logs"), "--quiet"],
        cwd=project_root, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {p.stem: p.read_text() for p in (target / "compiled").rglob("*.sql") if p.stem in names}


def _assert_only_the_loads_rows_are_tested(con, narrowed: str, whole: str, plant) -> None:
    """`narrowed` and `whole`: the failure count of the same test as a daily load
    and as a full build compile it. `plant(in_load)` plants one duplicate key
    among the rows the load wrote (in_load) or among the others: the narrowed
    test sees only the first, the whole-table test both."""
    def failures(sql: str) -> int:
        return con.execute(sql).fetchone()[0]

    assert failures(narrowed) == 0 and failures(whole) == 0
    plant(in_load=False)
    assert failures(narrowed) == 0, "a row the load did not write is not the load's"
    assert failures(whole) == 1
    plant(in_load=True)
    assert failures(narrowed) == 1, "a row the load wrote is tested"
    assert failures(whole) == 2


def test_tests_on_a_daily_load_look_at_the_rows_it_wrote(replayed: dict, project_root: Path):
    """A row-level test of an incremental model reads only what the load wrote
    (macros/incremental.sql, default__get_where_subquery): the windowed marts
    from the load window's start, the resolved layer the rows changed in this
    invocation. A table model's test, and every test of a --full-refresh
    build, read the whole table. Run on the replayed month: a duplicate key planted
    before the window is not seen on a daily load, one inside it is."""
    work, wh = replayed["work"], replayed["warehouse"]
    copy = work / "planted.duckdb"
    copy.write_bytes(wh.read_bytes())
    names = ["primary_key_fct_contacts_contact_id", "primary_key_base_messaging__messages_raw_record_hash",
             "primary_key_dim_agents_agent_id__valid_from",
             "primary_key_int_agent_daily_contacts_agent_id__activity_date", "primary_key_dim_customers_customer_id"]
    daily = _compiled_tests(project_root, work, copy, work / "raw", names)
    con = duckdb.connect(str(copy))
    window_start = con.execute("select window_start_date from intermediate.int_load_window").fetchone()[0]
    con.close()
    # the window's start as a literal date, read when the test runs
    assert f"activity_date >= date '{window_start}'" in daily["primary_key_fct_contacts_contact_id"]
    assert "changed_in = '" in daily["primary_key_base_messaging__messages_raw_record_hash"]
    assert "dbt_subquery" not in daily["primary_key_dim_agents_agent_id__valid_from"]
    # a keyed mart reading a keyed stg table: the keys come from the base_
    # model behind it (macros/incremental.sql, changed_keys_base)
    keyed = daily["primary_key_dim_customers_customer_id"]
    assert "exists (select 1 from" in keyed and "base_crm__customers" in keyed, keyed
    # a view configured with a window_column (read by the windowed fct_agent_daily)
    assert f"activity_date >= date '{window_start}'" in daily["primary_key_int_agent_daily_contacts_agent_id__activity_date"]
    full = _compiled_tests(project_root, work, copy, work / "raw", names, "--full-refresh")
    assert not any("dbt_subquery" in sql for sql in full.values())

    con = duckdb.connect(str(copy))

    def plant_duplicate(in_load: bool) -> None:
        """Give one contact the id of another on the same side of the window's start."""
        side = "activity_date >= ?" if in_load else "activity_date < ?"
        low, high = con.execute(f"select min(contact_id), max(contact_id) from marts.fct_contacts where {side}",
                                [window_start]).fetchone()
        assert low != high
        con.execute("update marts.fct_contacts set contact_id = ? where contact_id = ?", [low, high])

    narrowed = "select count(*) from (" + daily["primary_key_fct_contacts_contact_id"] + ")"
    whole = "select count(*) from (" + full["primary_key_fct_contacts_contact_id"] + ")"
    _assert_only_the_loads_rows_are_tested(con, narrowed, whole, plant_duplicate)

    # a load that changed nothing (a null window start): no row is the load's,
    # and the start is still a literal (a subquery would recompute the whole
    # view to find none)
    con.execute("update intermediate.int_load_window set window_start_date = null")
    con.close()
    empty = _compiled_tests(project_root, work, copy, work / "raw",
                            ["primary_key_fct_contacts_contact_id",
                             "primary_key_int_agent_daily_contacts_agent_id__activity_date"])
    for sql in empty.values():
        assert "activity_date >= date '9999-12-31'" in sql and "select window_start_date" not in sql, sql
    con = duckdb.connect(str(copy))
    assert con.execute("select count(*) from (" + empty["primary_key_fct_contacts_contact_id"] + ")").fetchone()[0] == 0
    assert con.execute(whole).fetchone()[0] == 2  # the two planted duplicates are still there

    # a model with window entities (the chat models) wrote the rows from their
    # own start: its tests read from there, not from the load's start
    own_start = window_start + timedelta(days=3)
    con.execute("update intermediate.int_load_window set window_start_date = ?, "
                "messaging__messages_window_start_date = ?", [window_start, own_start])
    con.close()
    name = "primary_key_int_messages_sessionized_message_id"
    chat = _compiled_tests(project_root, work, copy, work / "raw", [name])[name]
    assert f"date '{own_start}'" in chat and f"date '{window_start}'" not in chat, chat


def test_tests_of_large_stg_views_on_a_daily_load_look_at_the_keys_it_changed(replayed: dict, project_root: Path):
    """A row-level test of a stg view configured with changed_keys (the clean
    rows of a large resolved model) reads, on a daily load, the rows whose
    keys match a row of its base_ model changed_in this load, between the
    smallest and largest of those keys as literals (changed_key_bounds: they
    let the engine skip row groups). Run on the replayed month with the SQL
    the last load ran: a duplicate message id planted on a key the load did
    not change is not seen, one on the largest key it changed is; the
    full-refresh test sees both."""
    work, wh = replayed["work"], replayed["warehouse"]
    copy = work / "planted_stg.duckdb"
    copy.write_bytes(wh.read_bytes())
    name = "primary_key_stg_messaging__messages_message_id"
    run_results = json.loads(replayed["last_run_results"].read_text())
    last_load = run_results["metadata"]["invocation_id"]
    daily = next(r["compiled_code"] for r in run_results["results"] if r["unique_id"].split(".")[2] == name)
    daily = daily.replace(f'"{wh.stem}".', f'"{copy.stem}".')  # DuckDB names a database after its file
    full = _compiled_tests(project_root, work, copy, work / "raw", [name], "--full-refresh")[name]
    assert "exists (select 1 from" in daily and "changed.message_id = scoped.message_id" in daily
    assert f"changed.changed_in = '{last_load}'" in daily
    assert "dbt_subquery" not in full
    con = duckdb.connect(str(copy))
    low, high = con.execute("select min(message_id), max(message_id) from staging.base_messaging__messages "
                            "where changed_in = ?", [last_load]).fetchone()
    assert low < high
    bounds = re.search(r"scoped\.message_id between cast\('([^']*)' as (\w+)\) and cast\('([^']*)' as (\w+)\)", daily)
    assert bounds is not None, daily
    assert (bounds[1], bounds[3]) == (low, high)
    narrowed = "select count(*) from (" + daily + ")"
    whole = "select count(*) from (" + full + ")"

    def plant_duplicate(in_load: bool) -> None:
        """A second clean row (another raw record) for a message id the load did
        not change, or for the largest clean one it changed (near the upper bound)."""
        side = "=" if in_load else "!="
        message_id = con.execute(f"select {'max' if in_load else 'min'}(message_id) "
                                 f"from staging.base_messaging__messages where is_clean and changed_in {side} ?",
                                 [last_load]).fetchone()[0]
        assert message_id is not None
        con.execute("insert into staging.base_messaging__messages select * replace "
                    "(raw_record_hash + 1 as raw_record_hash) from staging.base_messaging__messages "
                    "where message_id = ? and is_clean", [message_id])

    _assert_only_the_loads_rows_are_tested(con, narrowed, whole, plant_duplicate)
    con.close()

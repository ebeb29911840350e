"""Staging on small hand-made raw folders: one test per kind of messiness of
raw-sources.md, each of which fails if the rule that handles it is removed.

All cases live in one folder (distinct ids per case, see staging_fixture.py),
built once; `dbt source freshness`, the empty/absent/header-only folder and the
missing-column folder run after it (four dbt invocations, one project parse).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from staging_fixture import (
    EXPECTED_COUNTS,
    build_empty_fixture,
    build_main_fixture,
    build_missing_column_fixture,
    run_dbt_captured,
)

pytestmark = pytest.mark.slow

ENTITIES = list(EXPECTED_COUNTS)

# Simulated folders checked against the simulator's ground truth: default
# messiness and the maximum (20%), CSV and Parquet; small to stay fast.
SIM_ARGS = dict(days=6, agents=12, seed=5)
SIMULATED = {"sim_default": (0.03, "csv"), "sim_messy": (0.2, "parquet")}


# blank_to_null (macros/raw/parse_values.sql) against its definition: null
# for null, empty or blank text, else the text trimmed of spaces, tabs, CRs
# and LFs (and nothing else: no-break spaces and other control characters stay)
BLANK_TO_NULL_CASES = [
    "A0001", " vip", "Vip ", "\tA0002\r\n", "", "   ", "\t\r\n ", None, "x", "a b", " é ", "é", "\u00a0x\u00a0",
    "\x01x", "x\x7f", "2026-03-01T09:15:02+08:00\r", " 42 ",
]


def _sql_text(value: str | None) -> str:
    if value is None:
        return "null"
    return " || ".join(f"chr({ord(c)})" for c in value) if value else "''"


BLANK_TO_NULL_QUERY = (
    "select i, {{ blank_to_null('v') }} as got from (values "
    + ", ".join(f"({i}, {_sql_text(v)})" for i, v in enumerate(BLANK_TO_NULL_CASES))
    + ") as t(i, v) order by i"
)


# The fixed-offset path of the time-zone conversions (macros/timezones.sql)
# against DuckDB's ICU arithmetic itself, both ways, for zones with a fixed
# offset over the plausible dates (2020-2030 by default) and zones with DST:
# instants every 31 h 13 min from 12 days before to 10 days after those
# dates, the edges of the fast path's span to the microsecond, and instants
# outside it where the zone's offset was another (Shanghai's summer time of
# 1986-1991, its local mean time of 1900). The offsets are the real ones.
TIME_ZONE_OFFSETS = {"Asia/Shanghai": 28800, "Asia/Kolkata": 19800, "Asia/Kathmandu": 20700, "UTC": 0,
                     "America/New_York": None, "Europe/London": None}
TIME_ZONE_QUERY = (
    "{% set zones = " + repr(list(TIME_ZONE_OFFSETS)) + " %}"
    "with instants as ("
    " select ts from range(timestamp '2019-12-20', timestamp '2031-01-10', interval 31 hour + interval 13 minute)"
    " as r(ts)"
    " union all select unnest([timestamp '1900-01-01 03:00', timestamp '1988-07-01 12:00',"
    " timestamp '2019-12-30 23:59:59.999999', timestamp '2019-12-31 00:00:00', timestamp '2019-12-31 00:00:00.000001',"
    " timestamp '2031-01-01 23:59:59.999999', timestamp '2031-01-02 00:00:00', timestamp '2099-06-01 10:30:00.123456'])"
    ")"
    "{% for tz in zones %}{% set offset = fixed_utc_offset_s(tz) %}"
    " select '{{ tz }}' as tz, {{ 'null' if offset is none else offset }} as offset_s,"
    " count(*) filter (where {{ utc_to_reporting('ts', tz) }}"
    " is distinct from timezone('{{ tz }}', timezone('UTC', ts))) as local_mismatches,"
    " count(*) filter (where {{ wall_time_to_utc('ts', tz) }}"
    " is distinct from timezone('UTC', timezone('{{ tz }}', ts))) as utc_mismatches,"
    " count(*) as instants"
    " from instants {{ '' if loop.last else 'union all' }}"
    "{% endfor %}"
)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Run the four dbt invocations one after the other through ONE raw path (a
    symlink switched between the fixture folders), ONE warehouse file (copied
    after each build) and ONE target dir: same env, so dbt parses the project
    once and re-uses it (partial parsing); a new RAW_DIR would force a full parse.
    """
    base = tmp_path_factory.mktemp("staging")
    folders = {
        "main": build_main_fixture(base / "raw_main"),
        "empty": build_empty_fixture(base / "raw_empty"),
        "missing": build_missing_column_fixture(base / "raw_missing"),
    }
    try:
        from ccw.simulator import simulate_to_folder
    except ImportError:  # the simulator is optional for these tests
        simulate_to_folder = None
    if simulate_to_folder is not None:
        for name, (rate, fmt) in SIMULATED.items():
            folders[name] = base / f"raw_{name}"
            simulate_to_folder(folders[name], mess_rate=rate, fmt=fmt, **SIM_ARGS)
    raw = base / "raw"
    work = base / "work"
    # every folder is another data set in the same file: --full-refresh, or
    # the incremental models would keep the previous folder's rows (same paths)
    jobs = [
        ("main", ["build", "--select", "staging", "--full-refresh"], "main"),
        ("freshness", ["source", "freshness"], "main"),
        ("blank_to_null", ["show", "--inline", BLANK_TO_NULL_QUERY, "--limit", "100", "--output", "json", "--quiet"], "main"),
        ("time_zones", ["show", "--inline", TIME_ZONE_QUERY, "--limit", "100", "--output", "json", "--quiet"], "main"),
        ("empty", ["run", "--select", "staging", "--full-refresh"], "empty"),
        ("missing", ["run", "--select", "base_crm__agents_parsed", "base_crm__agents", "--full-refresh"], "missing"),
    ] + [(name, ["run", "--select", "staging", "--full-refresh"], name) for name in SIMULATED if name in folders]
    out = {}
    for name, args, folder in jobs:
        if raw.is_symlink():
            raw.unlink()
        raw.symlink_to(folders[folder], target_is_directory=True)
        proc = run_dbt_captured(args, raw, work)
        keep = base / f"work_{name}"
        keep.mkdir()
        if (work / "warehouse.duckdb").exists():
            shutil.copy(work / "warehouse.duckdb", keep / "warehouse.duckdb")
        if (work / "target" / "sources.json").exists() and name == "freshness":
            (keep / "target").mkdir()
            shutil.copy(work / "target" / "sources.json", keep / "target" / "sources.json")
        out[name] = (keep, proc)
    out["folders"] = folders
    return out


@pytest.fixture(scope="module")
def con(builds):
    work, proc = builds["main"]
    assert proc.returncode == 0, proc.stdout[-4000:]
    c = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    yield c
    c.close()


def rows(con, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def reason(con, entity: str, key: str) -> str | None:
    found = rows(con, f"select reason_code from staging.stg_rejected_rows where entity = '{entity}' and record_key = '{key}'")
    return found[0][0] if found else None


# --------------------------------------------------------------------- reconciliation


def test_reconciliation_matches_the_fixture(con):
    got = {r[0]: tuple(r[1:]) for r in rows(con, "select entity, raw_rows, clean_rows, rejected_rows, duplicate_rows, superseded_rows from staging.stg_row_reconciliation")}
    assert got == EXPECTED_COUNTS
    for entity, (raw, clean, rejected, dup, sup) in got.items():
        assert raw == clean + rejected + dup + sup, entity


def test_every_rejected_row_has_its_raw_record(con):
    recs = rows(con, "select raw_record, source_file from staging.stg_rejected_rows")
    assert recs and all(json.loads(r[0]) and r[1].startswith("/") for r in recs)


def test_parsed_layer_keeps_raw_text_only_for_rows_that_may_be_rejected(con):
    """The parsed layer drops the raw JSON text of a row that passes its row
    rules and whose agent and customer are known (valid rows of the master
    data): such a row can never be rejected. Every other row keeps it."""
    known = ("(select agent_id from staging.base_crm__agents where is_valid)",
             "(select customer_id from staging.base_crm__customers where is_valid)")
    may_be_rejected = (f"row_reason_code is not null or (agent_id is not null and agent_id not in {known[0]}) "
                       f"or (customer_id is not null and customer_id not in {known[1]})")
    kept, dropped, wrongly_dropped, parsed_rows = rows(con, f"""
        select count(raw_record), count(*) - count(raw_record),
               count(*) filter (where raw_record is null and ({may_be_rejected})), count(*)
        from staging.base_messaging__messages_parsed""")[0]
    assert wrongly_dropped == 0
    assert 0 < kept < parsed_rows and dropped > 0
    # calls hold a self reference (root_call_id), decided in the resolved layer
    orphan_roots = rows(con, "select count(*) from staging.base_telephony__calls_parsed "
                             "where root_call_id is not null and raw_record is null")
    assert orphan_roots == [(0,)]
    # the raw key text goes with the raw text: kept exactly where it is
    assert rows(con, "select count(*) from staging.base_messaging__messages_parsed "
                     "where (record_key is null) != (raw_record is null)") == [(0,)]


def test_resolved_layer_keeps_raw_key_text_of_rejected_rows_only(con):
    """record_key (the key's raw text, what stg_rejected_rows shows) is set on
    every rejected row, even one whose key is blank (''), and null on every
    row that is not rejected."""
    for model in ("base_messaging__messages", "base_crm__tickets", "base_telephony__calls"):
        rejected_without, kept_without_reject, rejected = rows(con, f"""
            select count(*) filter (where reason_code is not null and record_key is null),
                   count(*) filter (where reason_code is null and record_key is not null),
                   count(*) filter (where reason_code is not null)
            from staging.{model}""")[0]
        assert (rejected_without, kept_without_reject) == (0, 0), model
        assert rejected > 0, model
    assert rows(con, "select count(*) from staging.stg_rejected_rows "
                     "where reason_code != 'malformed_row' and record_key is null") == [(0,)]


# --------------------------------------------------------------------- rule 1: duplicates


def test_exact_duplicates_are_counted_not_kept(con):
    assert rows(con, "select count(*) from staging.stg_telephony__calls where call_id = 'C006'") == [(1,)]
    # C006 x3, C908 x2 (a duplicated reject is rejected once), C001 in CSV and in Parquet
    assert rows(con, "select count(*) from staging.stg_rejected_rows where record_key = 'C908'") == [(1,)]
    dup = rows(con, "select duplicate_rows from staging.stg_row_reconciliation where entity = 'telephony__calls'")
    assert dup == [(4,)]


# --------------------------------------------------------------------- rule 3: versions


def test_latest_ticket_and_order_version_wins(con):
    assert rows(con, "select status, solved_at from staging.stg_crm__tickets where ticket_id = 'T001'") == [
        ("solved", __import__("datetime").datetime(2026, 3, 2, 1, 0))
    ]
    assert rows(con, "select status from staging.stg_crm__orders where order_id = 'O002'") == [("paid",)]


def test_record_hash_is_the_md5_of_the_raw_values_as_a_json_array(con):
    """raw_record_hash, recomputed here from the raw text of the rejected rows
    (raw_record, a JSON object in contract column order): md5 of the values
    as a compact JSON array, the digest read as a little-endian number."""
    checked = 0
    for (model,) in rows(con, "select table_name from duckdb_tables() where schema_name = 'staging' "
                              "and table_name like 'base\\_%' escape '\\' and table_name not like '%\\_parsed' escape '\\'"):
        for raw_record, got in rows(con, f"select raw_record, raw_record_hash from staging.{model} where raw_record is not null"):
            values = list(json.loads(raw_record).values())
            text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
            assert got == int.from_bytes(hashlib.md5(text.encode()).digest(), "little"), (model, raw_record)
            checked += 1
    assert checked >= 20


def test_version_ties_go_to_the_smallest_record_hash(con):
    for model, key_sql, _entity_key in [
        ("base_crm__tickets", "ticket_id = 'T003'", "ticket_id"),
        ("base_crm__agents", "agent_id = 'A0003'", "agent_id"),
        ("base_wfm__schedules", "agent_id = 'A0001' and shift_start = '2026-03-03 01:00:00'", "agent_id"),
    ]:
        got = rows(con, f"select raw_record_hash, is_superseded from staging.{model} where {key_sql} order by raw_record_hash")
        assert [r[1] for r in got] == [False, True], model


def test_agent_and_customer_history_is_kept(con):
    got = rows(con, """
        select team, valid_from, valid_to, is_current from staging.stg_crm__agents
        where agent_id = 'A0001' order by valid_from""")
    assert [(r[0], r[3]) for r in got] == [("alpha", False), ("beta", True)]
    assert got[0][2] == got[1][1] and got[1][2] is None


def test_event_rows_sharing_a_key_keep_one(con):
    assert rows(con, "select count(*) from staging.stg_wfm__schedules where agent_id = 'A0001'") == [(2,)]


# --------------------------------------------------------------------- cosmetic noise


def test_blank_to_null_trims_only_blanks_tabs_and_line_breaks(builds):
    _, proc = builds["blank_to_null"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    got = [row["got"] for row in json.loads(proc.stdout[proc.stdout.index("{"):])["show"]]

    def expected(v: str | None) -> str | None:
        return (v.strip(" \t\r\n") or None) if v is not None else None

    assert got == [expected(v) for v in BLANK_TO_NULL_CASES]
    assert got[:4] == ["A0001", "vip", "Vip", "A0002"]


def test_fixed_offset_time_zone_conversions_equal_icu(builds):
    _, proc = builds["time_zones"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    got = {row["tz"]: row for row in json.loads(proc.stdout[proc.stdout.index("{"):])["show"]}
    assert {tz: row["offset_s"] for tz, row in got.items()} == TIME_ZONE_OFFSETS
    for tz, row in got.items():
        assert (tz, row["local_mismatches"], row["utc_mismatches"]) == (tz, 0, 0)
        assert row["instants"] > 3000


def test_enums_are_trimmed_and_lower_cased(con):
    assert rows(con, "select category, priority, status, is_complaint from staging.stg_crm__tickets where ticket_id = 'T002'") == [
        ("pre_sales", "high", "new", True)
    ]
    assert rows(con, "select direction, disposition from staging.stg_telephony__calls where call_id = 'C002'") == [
        ("inbound", "transferred")
    ]
    assert rows(con, "select segment from staging.stg_crm__customers where customer_id = 'CU0000001'") == [("vip",)]
    assert rows(con, "select state from staging.stg_wfm__agent_states where started_at = '2026-03-01 01:00:00'") == [
        ("on_contact",)
    ]
    assert rows(con, "select event from staging.stg_messaging__messages where message_id = 'M003'") == [("assign",)]


def test_booleans_in_any_spelling(con):
    got = dict(rows(con, "select ticket_id, is_complaint from staging.stg_crm__tickets where ticket_id in ('T002', 'T004', 'T005')"))
    assert got == {"T002": True, "T004": True, "T005": False}
    assert reason(con, "crm__tickets", "T905") == "unparseable_value"


def test_phone_shapes_normalise_to_one_number(con):
    got = rows(con, "select distinct phone_normalized from staging.stg_crm__customers where customer_id <= 'CU0000005'")
    assert got == [("8613800138000",)]
    got = rows(con, "select distinct caller_phone_normalized from staging.stg_telephony__calls where call_id in ('C001', 'C003', 'C004')")
    assert got == [("8613800138000",)]


def test_timestamps_are_utc_per_system(con):
    from datetime import datetime

    # telephony: Asia/Shanghai wall time
    assert rows(con, "select enqueued_at from staging.stg_telephony__calls where call_id = 'C001'") == [(datetime(2026, 3, 1, 1, 0),)]
    # messaging: ISO with offset, and a Parquet instant
    assert rows(con, "select sent_at from staging.stg_messaging__messages where message_id = 'M001'") == [(datetime(2026, 3, 1, 1, 15, 2),)]
    assert rows(con, "select sent_at from staging.stg_messaging__messages where message_id = 'M010'") == [(datetime(2026, 3, 1, 2, 0),)]
    # survey: naive UTC; crm: Z
    assert rows(con, "select sent_at from staging.stg_survey__responses where response_id = 'R001'") == [(datetime(2026, 3, 1, 2, 0),)]
    assert rows(con, "select created_at from staging.stg_crm__orders where order_id = 'O001'") == [(datetime(2026, 3, 1, 2, 0),)]


# --------------------------------------------------------------------- rule 2: rejects


def test_bad_timestamps_are_rejected(con):
    assert reason(con, "telephony__calls", "C904") == "unparseable_timestamp"  # 2026-02-30
    assert reason(con, "messaging__messages", "M904") == "unparseable_timestamp"  # no offset
    assert reason(con, "crm__agents", "A0902|2026-02-01T00:00:00Z") == "unparseable_timestamp"  # bad date


def test_first_failing_rule_wins(con):
    # T906 has a bad created_at and an unknown priority: timestamps come first
    assert reason(con, "crm__tickets", "T906") == "unparseable_timestamp"


def test_missing_key_and_required_values(con):
    assert reason(con, "crm__agents", "|2026-02-01T00:00:00Z") == "missing_key"
    assert reason(con, "crm__agents", "A0901|2026-02-01T00:00:00Z") == "missing_required_value"


def test_answered_before_enqueued_and_other_impossible_orders(con):
    assert reason(con, "telephony__calls", "C902") == "impossible_timestamp_order"
    assert reason(con, "telephony__calls", "C907") == "impossible_timestamp_order"
    assert reason(con, "crm__tickets", "T903") == "impossible_timestamp_order"
    assert reason(con, "crm__orders", "O902") == "impossible_timestamp_order"
    assert reason(con, "survey__responses", "R904") == "impossible_timestamp_order"


def test_negative_durations(con):
    assert reason(con, "telephony__calls", "C903") == "negative_duration"
    assert reason(con, "crm__tickets", "T904") == "negative_duration"
    assert reason(con, "crm__orders", "O901") == "negative_duration"
    assert reason(con, "messaging__messages", "M903") == "negative_duration"
    assert reason(con, "wfm__schedules", "A0002|2026-03-02T16:00:00Z") == "negative_duration"
    assert reason(con, "wfm__agent_states", "A0001|2026-03-01T04:00:00Z") == "negative_duration"
    # a zero-length state is kept
    assert rows(con, "select count(*) from staging.stg_wfm__agent_states where state = 'available'") == [(1,)]


def test_scores_out_of_range(con):
    for entity, key in [("survey__responses", "R901"), ("survey__responses", "R902"), ("survey__responses", "R903"),
                        ("crm__qa_evaluations", "QA901"), ("crm__qa_evaluations", "QA902")]:
        assert reason(con, entity, key) == "score_out_of_range", key
    got = dict(rows(con, "select response_id, score from staging.stg_survey__responses where response_id in ('R002', 'R003')"))
    assert got == {"R002": 10, "R003": 0}


def test_unknown_enum_values(con):
    assert reason(con, "telephony__calls", "C905") == "unknown_enum_value"
    assert reason(con, "crm__customers", "CU0000901|2026-02-01T00:00:00Z") == "unknown_enum_value"
    assert reason(con, "wfm__agent_states", "A0001|2026-03-01T02:00:00Z") == "unknown_enum_value"


def test_unknown_agents_are_rejected(con):
    for entity, key in [("telephony__calls", "C906"), ("crm__tickets", "T902"), ("crm__qa_evaluations", "QA903"),
                        ("messaging__messages", "M902"), ("wfm__schedules", "A9999|2026-03-01T01:00:00Z")]:
        assert reason(con, entity, key) == "unknown_agent", key
    # an agent whose only row is rejected is not in the roster either
    assert reason(con, "crm__tickets", "T907") == "unknown_agent"


def test_unknown_customers_are_rejected(con):
    for entity, key in [("crm__tickets", "T901"), ("crm__orders", "O903"), ("messaging__messages", "M901"),
                        ("survey__responses", "R905")]:
        assert reason(con, entity, key) == "unknown_customer", key


def test_unknown_call_reference(con):
    assert reason(con, "telephony__calls", "C901") == "unknown_call_reference"
    assert reason(con, "telephony__calls", "C909") == "unknown_call_reference"  # its root was rejected
    assert rows(con, "select root_call_id from staging.stg_telephony__calls where call_id = 'C002'") == [("C001",)]


def test_unknown_ticket_links_are_nulled_not_rejected(con):
    assert rows(con, "select ticket_id from staging.stg_telephony__calls where call_id in ('C001', 'C005') order by call_id") == [
        ("T001",), (None,)
    ]
    assert rows(con, "select ticket_id from staging.stg_messaging__messages where message_id = 'M004'") == [(None,)]
    assert rows(con, "select ticket_id from staging.stg_survey__responses where response_id = 'R004'") == [(None,)]
    # survey call_id and QA contact_ref are kept as exported even when they match nothing
    assert rows(con, "select call_id from staging.stg_survey__responses where response_id = 'R002'") == [("C-NO-SUCH",)]
    assert rows(con, "select contact_ref from staging.stg_crm__qa_evaluations where evaluation_id = 'QA002'") == [
        ("NO-SUCH-CONTACT",)
    ]


# --------------------------------------------------------------------- files


def test_late_rows_are_kept_with_their_own_time(con):
    from datetime import datetime

    got = rows(con, "select enqueued_at from staging.stg_telephony__calls where call_id = 'C007'")
    assert got == [(datetime(2026, 3, 1, 15, 59),)]
    src = rows(con, "select source_file from staging.base_telephony__calls where call_id = 'C007'")
    assert src[0][0].endswith("/telephony/calls/2026-03-04.csv")


def test_csv_and_parquet_mixed_in_one_folder(con):
    got = rows(con, "select call_id, hold_s, acw_s, enqueued_at from staging.stg_telephony__calls where call_id = 'C010'")
    from datetime import datetime

    assert got == [("C010", 7, 0, datetime(2026, 3, 1, 1, 0))]
    # the Parquet copy of C001 (native types, shuffled columns, an extra column) is
    # recognised as an exact duplicate of the CSV row: same text
    files = rows(con, "select source_file, duplicate_copies from staging.base_telephony__calls where call_id = 'C001'")
    assert [(Path(f).name, d) for f, d in files] == [("2026-03-01.csv", 1)]


def test_empty_absent_and_header_only_folders_build(builds):
    work, proc = builds["empty"]
    assert proc.returncode == 0, proc.stdout[-4000:]
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as c:
        got = {r[0]: r[1:] for r in c.sql("select entity, raw_rows, clean_rows, rejected_rows, duplicate_rows, superseded_rows from staging.stg_row_reconciliation").fetchall()}
        assert set(got) == set(ENTITIES)
        assert got["crm__tickets"] == (0, 0, 0, 0, 0)  # header only
        assert got["crm__orders"] == (0, 0, 0, 0, 0)  # empty folder with a 0-byte file
        assert got["wfm__agent_states"] == (0, 0, 0, 0, 0)  # absent
        assert got["telephony__calls"] == (1, 1, 0, 0, 0)
        # the link to a ticket that does not exist (no tickets at all) is nulled
        assert c.sql("select ticket_id from staging.stg_telephony__calls").fetchall() == [(None,)]
        cols = [r[0] for r in c.sql("describe staging.stg_survey__responses").fetchall()]
        assert cols[:3] == ["response_id", "customer_id", "survey"]


def test_missing_column_fails_with_entity_file_and_column(builds):
    _, proc = builds["missing"]
    assert proc.returncode != 0
    out = proc.stdout
    assert "crm__agents" in out and "/crm/agents/2026-03-01.csv" in out and "team" in out
    assert "telephony__calls" in out and "2026-03-01.parquet" in out and "hold_s" in out
    assert "2026-03-02.csv" not in out  # the complete file is not blamed


def test_source_freshness_runs_on_the_raw_views(builds):
    work, proc = builds["freshness"]
    assert proc.returncode == 0, proc.stdout[-4000:]
    results = json.loads((work / "target" / "sources.json").read_text())["results"]
    assert len(results) == len(ENTITIES)
    assert all(r["status"] in ("pass", "warn") for r in results)


# --------------------------------------------------------------------- simulator ground truth


@pytest.mark.parametrize("name", list(SIMULATED))
def test_staging_counts_equal_simulator_ground_truth(builds, name):
    if name not in builds:
        pytest.skip("simulator not available")
    work, proc = builds[name]
    assert proc.returncode == 0, proc.stdout[-4000:]
    raw = builds["folders"][name]
    with (raw / "_ground_truth" / "entity_counts.csv").open() as f:
        expected_counts = {r["entity"]: tuple(int(r[k]) for k in list(r)[1:]) for r in csv.DictReader(f)}
    with (raw / "_ground_truth" / "rejected_by_reason.csv").open() as f:
        expected_reasons = {(r["entity"], r["reason_code"]): int(r["rows"]) for r in csv.DictReader(f) if int(r["rows"])}
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as c:
        got_counts = {r[0]: tuple(r[1:]) for r in c.sql(
            "select entity, raw_rows, clean_rows, rejected_rows, duplicate_rows, superseded_rows "
            "from staging.stg_row_reconciliation").fetchall()}
        got_reasons = {(r[0], r[1]): r[2] for r in c.sql(
            "select entity, reason_code, count(*) from staging.stg_rejected_rows group by all").fetchall()}
    assert got_counts == expected_counts
    assert got_reasons == expected_reasons

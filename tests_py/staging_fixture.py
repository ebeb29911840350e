"""A tiny raw folder holding one case of every kind of messiness staging handles.

Every case uses its own ids so that one dbt build covers them all; the tests in
test_staging.py look the cases up by id. Timestamps are written the way each
system exports them (raw-sources.md): crm/wfm ISO with Z, messaging ISO with an
offset, telephony naive Asia/Shanghai wall time, survey naive UTC.
"""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def run_dbt_captured(args: list[str], raw: Path, work: Path, vars: dict | None = None) -> subprocess.CompletedProcess[str]:
    """dbt in the project with its profile, into work/warehouse.duckdb (output captured, settings as --vars)."""
    from ccw.paths import PROJECT_ROOT
    from ccw.warehouse.dbt import dbt_env, dbt_executable

    env = dbt_env(raw, work / "warehouse.duckdb")
    env["DBT_TARGET_PATH"] = str(work / "target")
    env["DBT_LOG_PATH"] = str(work / "logs")
    cmd = [dbt_executable(), *args, "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    if vars:
        cmd += ["--vars", json.dumps(vars)]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)


def rejected_rows_differences(a: tuple[str, Path], b: tuple[str, Path], attach: dict[str, Path],
                              with_hash: bool = True) -> tuple[int, int]:
    """(rows only in a, rows only in b) of two stg_rejected_rows tables, each given as a
    DuckDB relation expression and the raw folder it was built from: every column
    compared, the raw folder's path taken out of source_file and of a malformed
    record's raw_record. `attach`: warehouse files the expressions name, by alias
    (read-only). with_hash=False leaves raw_record_hash out (a number on DuckDB, hex
    text on Spark). Fails on an empty `a`: an empty comparison shows nothing."""
    import duckdb

    columns = ("entity, reason_code, record_key, replace(source_file, '{raw}', '') as source_file, source_line, "
               "replace(raw_record, '{raw}', '') as raw_record" + (", raw_record_hash" if with_hash else ""))
    x, y = (f"select {columns.format(raw=str(raw.resolve()))} from {relation}" for relation, raw in (a, b))
    with duckdb.connect() as con:
        for alias, path in attach.items():
            con.execute(f"attach '{path}' as {alias} (read_only)")
        assert con.execute(f"select count(*) from ({x})").fetchone()[0] > 0
        return tuple(con.execute(f"select count(*) from ({p} except all {q})").fetchone()[0]
                     for p, q in ((x, y), (y, x)))


COLUMNS = {
    "crm/agents": ["agent_id", "full_name", "email", "team", "site", "timezone", "hired_on", "left_on", "updated_at"],
    "crm/customers": ["customer_id", "full_name", "email", "phone", "city", "segment", "created_at", "updated_at"],
    "crm/tickets": [
        "ticket_id", "customer_id", "channel", "category", "is_complaint", "priority", "status",
        "assignee_agent_id", "created_at", "solved_at", "reopen_count", "updated_at",
    ],
    "crm/orders": ["order_id", "customer_id", "created_at", "paid_at", "amount", "item_count", "status", "updated_at"],
    "crm/qa_evaluations": ["evaluation_id", "agent_id", "evaluator_id", "channel", "contact_ref", "evaluated_at", "score"],
    "telephony/calls": [
        "call_id", "root_call_id", "direction", "caller_number", "queue", "agent_id", "enqueued_at",
        "answered_at", "ended_at", "hold_s", "acw_s", "disposition", "ticket_id",
    ],
    "messaging/messages": [
        "message_id", "channel", "customer_id", "sender_type", "event", "agent_id", "sent_at", "char_count", "ticket_id",
    ],
    "survey/responses": [
        "response_id", "customer_id", "survey", "channel", "call_id", "ticket_id", "sent_at", "responded_at",
        "score", "comment",
    ],
    "wfm/schedules": ["agent_id", "shift_start", "shift_end"],
    "wfm/agent_states": ["agent_id", "state", "started_at", "ended_at"],
}


def write_csv(root: Path, entity: str, name: str, rows: list[dict], columns: list[str] | None = None) -> Path:
    cols = columns or COLUMNS[entity]
    folder = root / entity
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
    return path


def A(agent_id, team="alpha", updated_at="2026-02-01T00:00:00Z", **kw):
    return {"agent_id": agent_id, "full_name": f"Name {agent_id}", "email": f"{agent_id}@x.cn", "team": team,
            "site": "shanghai", "timezone": "Asia/Shanghai", "hired_on": "2025-01-01", "updated_at": updated_at, **kw}


def CU(customer_id, phone="13900000000", segment="regular", updated_at="2026-02-01T00:00:00Z", **kw):
    return {"customer_id": customer_id, "full_name": "x", "email": "x@y.cn", "phone": phone, "city": "sh",
            "segment": segment, "created_at": "2026-01-01T00:00:00Z", "updated_at": updated_at, **kw}


def T(ticket_id, **kw):
    row = {"ticket_id": ticket_id, "customer_id": "CU0000001", "channel": "phone", "category": "pre_sales",
           "is_complaint": "false", "priority": "normal", "status": "open", "assignee_agent_id": "A0001",
           "created_at": "2026-03-01T01:00:00Z", "solved_at": None, "reopen_count": "0",
           "updated_at": "2026-03-01T01:00:00Z"}
    row.update(kw)
    return row


def O(order_id, **kw):  # noqa: E743 (one letter per entity, like the others)
    row = {"order_id": order_id, "customer_id": "CU0000001", "created_at": "2026-03-01T02:00:00Z",
           "paid_at": "2026-03-01T03:00:00Z", "amount": "99.50", "item_count": "2", "status": "paid",
           "updated_at": "2026-03-01T03:00:00Z"}
    row.update(kw)
    return row


def Q(evaluation_id, **kw):
    row = {"evaluation_id": evaluation_id, "agent_id": "A0001", "evaluator_id": "A0002", "channel": "phone",
           "contact_ref": "C001", "evaluated_at": "2026-03-02T02:00:00Z", "score": "88.5"}
    row.update(kw)
    return row


def C(call_id, **kw):
    row = {"call_id": call_id, "root_call_id": None, "direction": "inbound", "caller_number": "+86 139-0000-0000",
           "queue": "general", "agent_id": "A0001", "enqueued_at": "2026-03-01 09:00:00",
           "answered_at": "2026-03-01 09:00:15", "ended_at": "2026-03-01 09:05:00", "hold_s": "10", "acw_s": "30",
           "disposition": "answered", "ticket_id": None}
    row.update(kw)
    return row


def M(message_id, **kw):
    row = {"message_id": message_id, "channel": "web", "customer_id": "CU0000001", "sender_type": "customer",
           "event": "message", "agent_id": None, "sent_at": "2026-03-01T09:15:02+08:00", "char_count": "42",
           "ticket_id": None}
    row.update(kw)
    return row


def R(response_id, **kw):
    row = {"response_id": response_id, "customer_id": "CU0000001", "survey": "csat", "channel": "phone",
           "call_id": "C001", "ticket_id": None, "sent_at": "2026-03-01 02:00:00",
           "responded_at": "2026-03-01 02:10:00", "score": "5", "comment": None}
    row.update(kw)
    return row


def S(agent_id, start, end):
    return {"agent_id": agent_id, "shift_start": start, "shift_end": end}


def ST(agent_id, state, start, end):
    return {"agent_id": agent_id, "state": state, "started_at": start, "ended_at": end}


def build_main_fixture(root: Path) -> Path:
    """The folder with every case; returns `root`."""
    # ---- crm/agents: history, exact tie, junk
    write_csv(root, "crm/agents", "2026-03-01.csv", [
        A("A0001", team="alpha", updated_at="2026-02-01T00:00:00Z"),
        A("A0001", team="beta", updated_at="2026-03-02T00:00:00Z"),      # a later version: history
        A("A0002"),
        A("A0003", team="gamma", updated_at="2026-02-01T00:00:00Z"),     # tie on updated_at ...
        A("A0003", team="delta", updated_at="2026-02-01T00:00:00Z"),     # ... with other content
        A("A0901", team=None),                                            # missing_required_value
        A(None, team="alpha"),                                            # missing_key
        A("A0902", hired_on="2025-02-30"),                                # unparseable date
    ])
    # ---- crm/customers: phone shapes, enum noise, unknown enum
    write_csv(root, "crm/customers", "2026-03-01.csv", [
        CU("CU0000001", phone="+86 138-0013-8000", segment=" VIP "),
        CU("CU0000002", phone="13800138000", segment="Regular"),
        CU("CU0000003", phone="0086 138 0013 8000"),
        CU("CU0000004", phone="(+86)13800138000"),
        CU("CU0000005", phone="0086 13800138000"),
        CU("CU0000901", segment="gold"),                                  # unknown_enum_value
    ])
    # ---- crm/tickets: versions, tie, enum case, bools, rejects
    write_csv(root, "crm/tickets", "2026-03-01.csv", [
        T("T001", status="open", updated_at="2026-03-01T01:00:00Z"),
        T("T002", category=" Pre_Sales ", is_complaint="YES", priority="HIGH", status="New"),
        T("T003", updated_at="2026-03-01T05:00:00Z", priority="low"),     # tie on updated_at ...
        T("T004", is_complaint="1"),
        T("T005", is_complaint="No"),
        T("T901", customer_id="CU9999999"),                              # unknown_customer
        T("T902", assignee_agent_id="A9999"),                            # unknown_agent
        T("T903", solved_at="2026-02-28T00:00:00Z", status="solved"),    # solved before created
        T("T904", reopen_count="-1"),                                    # negative_duration
        T("T905", is_complaint="maybe"),                                 # unparseable_value
        T("T906", priority="critical", created_at="yesterday"),          # two defects: first rule wins
        T("T907", assignee_agent_id="A0901"),                            # agent that is itself rejected
    ])
    write_csv(root, "crm/tickets", "2026-03-02.csv", [
        T("T001", status="solved", solved_at="2026-03-02T01:00:00Z", updated_at="2026-03-02T01:00:00Z"),
        T("T003", updated_at="2026-03-01T05:00:00Z", priority="urgent"),  # ... with other content
    ])
    # ---- crm/orders
    write_csv(root, "crm/orders", "2026-03-01.csv", [
        O("O001"),
        O("O002", paid_at=None, status="created", updated_at="2026-03-01T02:00:00Z"),
        O("O901", amount="-5.00"),                                        # negative_duration
        O("O902", paid_at="2026-03-01T01:00:00Z"),                        # paid before created
        O("O903", customer_id="CU9999999"),                               # unknown_customer
        O("O904", amount="12,5"),                                         # unparseable_value
    ])
    write_csv(root, "crm/orders", "2026-03-02.csv", [
        O("O002", status="paid", paid_at="2026-03-02T02:00:00Z", updated_at="2026-03-02T02:00:00Z"),
    ])
    # ---- crm/qa_evaluations
    write_csv(root, "crm/qa_evaluations", "2026-03-02.csv", [
        Q("QA001"),
        Q("QA002", contact_ref="NO-SUCH-CONTACT", score="100"),          # kept: QA need not match a contact
        Q("QA901", score="101"),                                         # score_out_of_range
        Q("QA902", score="-1"),                                          # score_out_of_range
        Q("QA903", agent_id="A9999"),                                    # unknown_agent
    ])
    # ---- telephony/calls
    write_csv(root, "telephony/calls", "2026-03-01.csv", [
        C("C001", caller_number="+86 138-0013-8000", ticket_id="T001"),
        C("C002", root_call_id="C001", direction=" INBOUND", disposition="Transferred", queue="billing"),
        C("C003", direction="outbound", queue="outbound", caller_number="0086 138 0013 8000"),
        C("C004", agent_id=None, answered_at=None, disposition="abandoned", hold_s="0", acw_s="0",
          caller_number="13800138000"),
        C("C005", ticket_id="T-NO-SUCH"),                                # ticket nulled, leg kept
        C("C006"),                                                       # exact duplicate below
        C("C901", root_call_id="C-NO-SUCH"),                             # unknown_call_reference
        C("C902", answered_at="2026-03-01 08:59:00"),                    # answered before enqueued
        C("C903", hold_s="-3"),                                          # negative_duration
        C("C904", enqueued_at="2026-02-30 10:00:00"),                    # unparseable_timestamp
        C("C905", disposition="dropped"),                                # unknown_enum_value
        C("C906", agent_id="A9999"),                                     # unknown_agent
        C("C907", ended_at="2026-03-01 09:00:10"),                       # ended before answered
        C("C908", hold_s="ten"),                                         # unparseable_value
        C("C909", root_call_id="C902"),                                  # root leg is itself rejected
    ])
    write_csv(root, "telephony/calls", "2026-03-02.csv", [
        C("C006"),                                                       # exact duplicate (other file)
        C("C006"),                                                       # and another copy
        C("C908", hold_s="ten"),                                         # duplicated reject: rejected once
    ])
    write_csv(root, "telephony/calls", "2026-03-04.csv", [
        # a late row: belongs to 2026-03-01, arrives in the file of 2026-03-04
        C("C007", enqueued_at="2026-03-01 23:59:00", answered_at="2026-03-02 00:00:10", ended_at="2026-03-02 00:03:00"),
    ])
    # Parquet in the same folder, native types: one exact copy of a CSV row
    # (C001) and one new leg; naive timestamps are the ACD's wall time.
    def wall(s):
        return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
    pq_rows = [C("C001", caller_number="+86 138-0013-8000", ticket_id="T001"), C("C010", hold_s="7", acw_s="0")]
    cols = COLUMNS["telephony/calls"]
    arrays = {}
    for c in cols:
        vals = [r[c] for r in pq_rows]
        if c in ("enqueued_at", "answered_at", "ended_at"):
            arrays[c] = pa.array([wall(v) if v else None for v in vals], pa.timestamp("us"))
        elif c in ("hold_s", "acw_s"):
            arrays[c] = pa.array([int(v) for v in vals], pa.int64())
        else:
            arrays[c] = pa.array(vals, pa.string())
    # shuffled column order plus an extra column
    order = list(reversed(cols)) + ["exported_by"]
    arrays["exported_by"] = pa.array(["acd"] * len(pq_rows), pa.string())
    pq.write_table(pa.table({c: arrays[c] for c in order}), root / "telephony/calls" / "2026-03-03.parquet")

    # ---- messaging/messages: one CSV and one Parquet file with an instant
    write_csv(root, "messaging/messages", "2026-03-01.csv", [
        M("M001"),
        M("M002", sender_type="Agent", agent_id="A0001", sent_at="2026-03-01T09:16:00+08:00", ticket_id="T001"),
        M("M003", event="ASSIGN ", sender_type="system", agent_id="A0002", char_count=None),
        M("M004", ticket_id="T-NO-SUCH"),                                # ticket nulled, kept
        M("M901", customer_id="CU9999999"),                              # unknown_customer
        M("M902", sender_type="agent", agent_id="A9999"),                # unknown_agent
        M("M903", char_count="-1"),                                      # negative_duration
        M("M904", sent_at="2026-03-01 09:15:02"),                        # no offset: unparseable
    ])
    pq.write_table(pa.table({
        "message_id": pa.array(["M010"]),
        "channel": pa.array(["app"]),
        "customer_id": pa.array(["CU0000002"]),
        "sender_type": pa.array(["customer"]),
        "event": pa.array(["message"]),
        "agent_id": pa.array([None], pa.string()),
        "sent_at": pa.array([datetime(2026, 3, 1, 2, 0, 0, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "char_count": pa.array([12], pa.int32()),
        "ticket_id": pa.array([None], pa.string()),
    }), root / "messaging/messages" / "2026-03-01.parquet")

    # ---- survey/responses
    write_csv(root, "survey/responses", "2026-03-01.csv", [
        R("R001"),
        R("R002", survey="NPS", score="10", call_id="C-NO-SUCH"),        # call_id kept as is
        R("R003", survey="nps", score="0", channel="Chat", call_id=None),
        R("R004", ticket_id="T-NO-SUCH"),                                # ticket nulled, kept
        R("R901", score="6"),                                            # csat out of range
        R("R902", survey="nps", score="11"),                             # nps out of range
        R("R903", score="0"),                                            # csat 0 out of range
        R("R904", responded_at="2026-03-01 01:00:00"),                   # responded before sent
        R("R905", customer_id="CU9999999"),                              # unknown_customer
        R("R906", score="4.5"),                                          # unparseable_value
    ])
    # ---- wfm/schedules
    write_csv(root, "wfm/schedules", "2026-03-01.csv", [
        S("A0001", "2026-03-01T01:00:00Z", "2026-03-01T10:00:00Z"),
        S("A0002", "2026-03-01T16:00:00Z", "2026-03-02T01:00:00Z"),      # crosses midnight
        S("A0002", "2026-03-02T16:00:00Z", "2026-03-02T15:00:00Z"),      # negative_duration
        S("A9999", "2026-03-01T01:00:00Z", "2026-03-01T10:00:00Z"),      # unknown_agent
        S("A0001", "2026-03-03T01:00:00Z", "2026-03-03T10:00:00Z"),      # same key ...
        S("A0001", "2026-03-03T01:00:00Z", "2026-03-03T11:00:00Z"),      # ... other content: superseded
    ])
    # ---- wfm/agent_states
    write_csv(root, "wfm/agent_states", "2026-03-01.csv", [
        ST("A0001", " On_Contact", "2026-03-01T01:00:00Z", "2026-03-01T01:10:00Z"),
        ST("A0001", "available", "2026-03-01T01:10:00Z", "2026-03-01T01:10:00Z"),  # zero length: kept
        ST("A0001", "lunch", "2026-03-01T02:00:00Z", "2026-03-01T03:00:00Z"),       # unknown_enum_value
        ST("A0001", "break", "2026-03-01T04:00:00Z", "2026-03-01T03:00:00Z"),       # negative_duration
        ST("A0001", "break", "2026-03-01T05:00:00", "2026-03-01T06:00:00Z"),        # no Z: unparseable
    ])
    return root


# What build_main_fixture must reconcile to: entity -> (raw, clean, rejected, duplicate, superseded)
EXPECTED_COUNTS = {
    "crm__agents": (8, 4, 3, 0, 1),
    "crm__customers": (6, 5, 1, 0, 0),
    "crm__tickets": (14, 5, 7, 0, 2),
    "crm__orders": (7, 2, 4, 0, 1),
    "crm__qa_evaluations": (5, 2, 3, 0, 0),
    "telephony__calls": (21, 8, 9, 4, 0),
    "messaging__messages": (9, 5, 4, 0, 0),
    "survey__responses": (10, 4, 6, 0, 0),
    "wfm__schedules": (6, 3, 2, 0, 1),
    "wfm__agent_states": (5, 2, 3, 0, 0),
}


def build_empty_fixture(root: Path) -> Path:
    """A centre without survey/WFM tools: header-only, empty and absent folders."""
    write_csv(root, "crm/agents", "2026-03-01.csv", [A("A0001")])
    write_csv(root, "crm/customers", "2026-03-01.csv", [CU("CU0000001")])
    write_csv(root, "crm/tickets", "2026-03-01.csv", [])                  # header only
    (root / "crm/orders").mkdir(parents=True)                             # empty folder
    (root / "crm/orders/2026-03-01.csv").write_text("")                   # and a 0-byte file
    write_csv(root, "telephony/calls", "2026-03-01.csv", [C("C001", ticket_id="T001")])
    # messaging, survey, wfm, qa_evaluations: absent
    return root


def build_missing_column_fixture(root: Path) -> Path:
    """One agents file without `team` and one calls Parquet file without `hold_s`."""
    cols = [c for c in COLUMNS["crm/agents"] if c != "team"]
    write_csv(root, "crm/agents", "2026-03-01.csv", [A("A0001")], columns=cols)
    write_csv(root, "crm/agents", "2026-03-02.csv", [A("A0002")])
    rows = [C("C001")]
    folder = root / "telephony/calls"
    folder.mkdir(parents=True)
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in COLUMNS["telephony/calls"] if c != "hold_s"})
    pq.write_table(table, folder / "2026-03-01.parquet")
    return root

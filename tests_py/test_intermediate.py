"""Intermediate layer checks that need a real build (dbt unit tests cover the
rules row by row in models/intermediate/<family>/_<family>__unit_tests.yml).

- Sessionisation is stable across loads: the conversation ids of a customer's
  messages are the same whether they were built from the first days only or
  from the whole history (full or incremental builds agree).
- Call contacts and conversations agree with the simulator's ground truth
  (counts and owners), once the simulator writes `_ground_truth/contacts.csv`.
"""

from __future__ import annotations

import csv
import hashlib
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from ccw.warehouse.dbt import run_dbt

SESSION_GAP_S = 30 * 60
CUSTOMERS = [f"C{n:04d}" for n in range(1, 7)]
AGENTS = ["A0001", "A0002", "A0003"]
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
DAYS = 4
CUTOFF_DAY = 2  # the partial load holds days 1..2

AGENT_COLUMNS = ["agent_id", "full_name", "email", "team", "site", "timezone", "hired_on", "left_on", "updated_at"]
CUSTOMER_COLUMNS = ["customer_id", "full_name", "email", "phone", "city", "segment", "created_at", "updated_at"]
MESSAGE_COLUMNS = [
    "message_id", "channel", "customer_id", "sender_type", "event", "agent_id", "sent_at", "char_count", "ticket_id",
]


def _crm_ts(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _messaging_ts(t: datetime) -> str:
    # messaging exports ISO-8601 with an offset (Shanghai wall time)
    return t.astimezone(timezone(timedelta(hours=8))).isoformat()


def _synthetic_messages(seed: int = 5) -> list[dict[str, str]]:
    """Chat events of a few customers over DAYS days: bursts of messages with
    gaps around the session threshold (exactly at it, just over it), closes,
    and a bot now and then. Times are whole seconds."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    seq = 0
    for customer in CUSTOMERS:
        for channel in ("web", "app"):
            t = START + timedelta(hours=rng.randint(1, 10))
            while t < START + timedelta(days=DAYS):
                for _ in range(rng.randint(1, 4)):
                    seq += 1
                    sender = rng.choice(["customer", "customer", "agent", "bot"])
                    event = "close" if rng.random() < 0.12 else "message"
                    rows.append(
                        {
                            "message_id": f"M{seq:06d}",
                            "channel": channel,
                            "customer_id": customer,
                            "sender_type": "system" if event == "close" else sender,
                            "event": event,
                            "agent_id": rng.choice(AGENTS) if sender == "agent" and event == "message" else "",
                            "sent_at": _messaging_ts(t),
                            "char_count": str(rng.randint(1, 200)),
                            "ticket_id": "",
                        }
                    )
                    t += timedelta(seconds=rng.choice([5, 60, 600, SESSION_GAP_S, SESSION_GAP_S + 1]))
                t += timedelta(seconds=rng.choice([SESSION_GAP_S, SESSION_GAP_S + 1, 3 * 3600, 11 * 3600]))
    return rows


def _reference_sessions(messages: list[dict[str, str]]) -> dict[str, tuple[str, int]]:
    """The spec's rule in plain Python: per (customer_id, channel), ordered by
    (sent_at, message_id), split when the gap exceeds the session gap or the
    previous event is a close; id = md5(customer|channel|first message_id)."""
    out: dict[str, tuple[str, int]] = {}
    streams: dict[tuple[str, str], list[tuple[datetime, str, str]]] = {}
    for m in messages:
        key = (m["customer_id"], m["channel"])
        streams.setdefault(key, []).append((datetime.fromisoformat(m["sent_at"]), m["message_id"], m["event"]))
    for (customer, channel), events in streams.items():
        events.sort()
        previous = None
        for sent_at, message_id, event in events:
            if previous is None or previous[2] == "close" or (sent_at - previous[0]).total_seconds() > SESSION_GAP_S:
                conversation_id = hashlib.md5(f"{customer}|{channel}|{message_id}".encode()).hexdigest()
                seq = 0
            seq += 1
            out[message_id] = (conversation_id, seq)
            previous = (sent_at, message_id, event)
    return out


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


CALL_COLUMNS = [
    "call_id", "root_call_id", "direction", "caller_number", "queue", "agent_id", "enqueued_at", "answered_at",
    "ended_at", "hold_s", "acw_s", "disposition", "ticket_id",
]
# The CRM holds the number in one shape, the ACD writes it in others: all of
# them are the same customer after normalisation (spec "Normalisation rules").
PHONE_CUSTOMER, PHONE_CRM = "C9000", "+86 138 0013 8000"
CALLER_SHAPES = {
    "K1": "+86 138-0013-8000",
    "K2": "13800138000",
    "K3": "0086 138 0013 8000",
    "K4": "(+86)13800138000",
    "K5": "13999999999",  # nobody's number
}


def _write_raw(raw: Path, messages: list[dict[str, str]]) -> None:
    updated = _crm_ts(START - timedelta(days=30))
    agents = [
        {"agent_id": a, "full_name": f"Agent {a}", "email": f"{a.lower()}@example.com", "team": "T1", "site": "S1",
         "timezone": "Asia/Shanghai", "hired_on": "2025-01-01", "left_on": "", "updated_at": updated}
        for a in AGENTS
    ]
    customers = [
        {"customer_id": c, "full_name": f"Customer {c}", "email": f"{c.lower()}@example.com",
         "phone": f"1370013{n:04d}", "city": "Shanghai", "segment": "regular", "created_at": updated, "updated_at": updated}
        for n, c in enumerate(CUSTOMERS)
    ]
    customers.append(
        {"customer_id": PHONE_CUSTOMER, "full_name": "Phone Customer", "email": "phone@example.com",
         "phone": PHONE_CRM, "city": "Beijing", "segment": "vip", "created_at": updated, "updated_at": updated}
    )
    calls = [
        {"call_id": call_id, "root_call_id": "", "direction": "inbound", "caller_number": number, "queue": "general",
         "agent_id": AGENTS[0], "enqueued_at": "2026-03-01 09:00:00", "answered_at": "2026-03-01 09:00:10",
         "ended_at": "2026-03-01 09:05:00", "hold_s": "0", "acw_s": "30", "disposition": "answered", "ticket_id": ""}
        for call_id, number in CALLER_SHAPES.items()
    ]
    _write_csv(raw / "crm" / "agents" / "2026-03-01.csv", AGENT_COLUMNS, agents)
    _write_csv(raw / "crm" / "customers" / "2026-03-01.csv", CUSTOMER_COLUMNS, customers)
    _write_csv(raw / "telephony" / "calls" / "2026-03-01.csv", CALL_COLUMNS, calls)
    by_day: dict[str, list[dict[str, str]]] = {}
    for row in messages:
        day = datetime.fromisoformat(row["sent_at"]).astimezone(UTC).date().isoformat()
        by_day.setdefault(day, []).append(row)
    for day, rows in sorted(by_day.items()):
        _write_csv(raw / "messaging" / "messages" / f"{day}.csv", MESSAGE_COLUMNS, rows)


def _build(raw: Path, work: Path) -> Path:
    wh = work / "wh.duckdb"
    run_dbt(
        ["run", "--select", "+int_messages_sessionized", "+int_call_contacts_assembled"],
        raw, wh, target_path=work / "target", log_path=work / "logs", stream=False,
    )
    return wh


def _query(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def _sessions(wh: Path) -> dict[str, tuple[str, int]]:
    rows = _query(wh, "select message_id, conversation_id, event_seq from intermediate.int_messages_sessionized")
    return {m: (c, s) for m, c, s in rows}


@pytest.fixture(scope="module")
def two_loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The synthetic messages built twice: days 1..CUTOFF_DAY only, then all days."""
    work = tmp_path_factory.mktemp("int_loads")
    messages = _synthetic_messages()
    cutoff = START + timedelta(days=CUTOFF_DAY)
    early = [m for m in messages if datetime.fromisoformat(m["sent_at"]) < cutoff]
    _write_raw(work / "raw_partial", early)
    _write_raw(work / "raw_full", messages)
    return {
        "messages": messages,
        "early": early,
        "cutoff": cutoff,
        "partial": _build(work / "raw_partial", work / "partial"),
        "full": _build(work / "raw_full", work / "full"),
    }


@pytest.mark.slow
def test_caller_number_shapes_match_the_crm_customer(two_loads) -> None:
    """Raw caller numbers in every free-form shape reach the same CRM customer
    through staging's normalisation; an unknown number gives no customer."""
    rows = dict(_query(two_loads["full"], "select root_call_id, customer_id from intermediate.int_call_contacts_assembled"))
    assert rows == {"K1": PHONE_CUSTOMER, "K2": PHONE_CUSTOMER, "K3": PHONE_CUSTOMER, "K4": PHONE_CUSTOMER, "K5": None}


@pytest.mark.slow
def test_conversation_ids_are_stable_across_loads(two_loads) -> None:
    messages, early, cutoff = two_loads["messages"], two_loads["early"], two_loads["cutoff"]
    assert 0 < len(early) < len(messages)
    partial = _sessions(two_loads["partial"])
    full = _sessions(two_loads["full"])

    assert set(partial) == {m["message_id"] for m in early}
    assert set(full) == {m["message_id"] for m in messages}
    assert full == _reference_sessions(messages)
    assert partial == _reference_sessions(early)

    # Every message of the first load keeps its conversation id and position:
    # the id depends only on the conversation's first message, so later
    # messages can extend a conversation but never rename it.
    changed = {m: (partial[m], full[m]) for m in partial if partial[m] != full[m]}
    assert not changed, f"conversation ids changed between loads: {list(changed.items())[:5]}"

    # Conversations complete before the cut-off (last event a close, or more
    # than the session gap before it) have exactly the same members.
    def members(ids: dict[str, tuple[str, int]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for message_id, (conversation_id, _) in ids.items():
            out.setdefault(conversation_id, set()).add(message_id)
        return out

    by_id = {m["message_id"]: m for m in messages}
    partial_members, full_members = members(partial), members(full)
    complete = 0
    for conversation_id, ids in partial_members.items():
        last = max(ids, key=lambda i: (datetime.fromisoformat(by_id[i]["sent_at"]), i))
        last_at = datetime.fromisoformat(by_id[last]["sent_at"])
        if by_id[last]["event"] == "close" or (cutoff - last_at).total_seconds() > SESSION_GAP_S:
            complete += 1
            assert full_members[conversation_id] == ids
    assert complete > 10


def _ground_truth(demo_raw: Path, name: str) -> pd.DataFrame:
    path = demo_raw / "_ground_truth" / name
    if not path.exists():
        pytest.skip(f"the simulator does not write _ground_truth/{name}")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="coerce").astype(float)


def _same_numbers(a: pd.Series, b: pd.Series) -> pd.Series:
    a, b = _number(a), _number(b)
    return (a.isna() & b.isna()) | ((a - b).abs() < 1e-6)


@pytest.mark.slow
def test_contacts_agree_with_ground_truth(demo_raw: Path, demo_con) -> None:
    """Every true call contact and conversation is built once, with the
    simulator's owner, customer, times, handled flag, ticket flags, timings
    and counting survey scores."""
    truth = _ground_truth(demo_raw, "contacts.csv")
    built = demo_con.sql(
        """
        with counting as (
            select
                contact_id,
                max(case when survey = 'csat' then score end) as csat_score,
                max(case when survey = 'nps' then score end) as nps_score
            from intermediate.int_surveys_attributed
            where is_counting
            group by contact_id
        )
        select contacts.*, counting.csat_score, counting.nps_score
        from intermediate.int_contacts_unioned as contacts
        left join counting on contacts.contact_id = counting.contact_id
        """
    ).df()

    for kind in ("call", "chat"):
        n_truth = int((truth["contact_type"] == kind).sum())
        n_built = int((built["contact_type"] == kind).sum())
        assert n_built == n_truth, f"{kind}: {n_truth} true contacts, {n_built} built"

    both = truth.merge(built, on=["contact_type", "source_ref"], how="outer", suffixes=("_truth", "_built"),
                       indicator=True)
    unmatched = both[both["_merge"] != "both"]
    assert unmatched.empty, f"contacts only on one side:\n{unmatched[['contact_type', 'source_ref', '_merge']].head()}"

    for column in ("owner_agent_id", "customer_id", "channel", "queue", "ticket_id"):
        differ = both[both[f"{column}_truth"].map(_text) != both[f"{column}_built"].map(_text)]
        assert differ.empty, f"{len(differ)} contacts differ in {column}:\n" + differ[
            ["contact_type", "source_ref", f"{column}_truth", f"{column}_built"]].head().to_string()
    for column in ("activity_date", "started_at", "ended_at"):
        differ = both[both[f"{column}_truth"] != both[f"{column}_built"].astype(str)]
        assert differ.empty, f"{len(differ)} contacts differ in {column}"
    for column in ("is_handled", "is_complaint", "is_presales"):
        differ = both[both[f"{column}_truth"].str.lower() != both[f"{column}_built"].astype(str).str.lower()]
        assert differ.empty, f"{len(differ)} contacts differ in {column}"
    handled = both["is_handled_built"].astype(bool)
    for column in ("wait_s", "handle_s", "first_response_s"):
        differ = both[handled & ~_same_numbers(both[f"{column}_truth"], both[f"{column}_built"])]
        assert differ.empty, f"{len(differ)} handled contacts differ in {column}:\n" + differ[
            ["contact_type", "source_ref", f"{column}_truth", f"{column}_built"]].head().to_string()
    for column in ("csat_score", "nps_score"):
        differ = both[~_same_numbers(both[f"{column}_truth"], both[f"{column}_built"])]
        assert differ.empty, f"{len(differ)} contacts differ in their counting {column}"


@pytest.mark.slow
def test_workforce_shifts_and_teams_agree_with_ground_truth(demo_raw: Path, demo_con) -> None:
    """Day-split workforce seconds, shift counters and the agent's team on
    every true agent-day agree with the simulator."""
    truth = _ground_truth(demo_raw, "agent_daily.csv")
    built = demo_con.sql(
        """
        with shifts as (
            select
                agent_id,
                activity_date,
                count(*) as shifts_started,
                count(case when is_attended then 1 end) as shifts_attended,
                count(case when is_on_time then 1 end) as shifts_on_time
            from intermediate.int_shifts_attended
            group by agent_id, activity_date
        )
        select
            teams.agent_id,
            cast(teams.activity_date as varchar) as activity_date,
            teams.team,
            workforce.scheduled_s,
            workforce.logged_in_s,
            workforce.available_s,
            workforce.on_contact_s,
            workforce.acw_s,
            workforce.break_s,
            shifts.shifts_started,
            shifts.shifts_attended,
            shifts.shifts_on_time
        from intermediate.int_agent_teams_daily as teams
        left join intermediate.int_workforce_day_split as workforce
            on teams.agent_id = workforce.agent_id and teams.activity_date = workforce.activity_date
        left join shifts
            on teams.agent_id = shifts.agent_id and teams.activity_date = shifts.activity_date
        """
    ).df()
    both = truth.merge(built, on=["agent_id", "activity_date"], how="left", suffixes=("_truth", "_built"))
    assert both["team_built"].notna().all(), "agent-days without a team row"
    assert (both["team_truth"] == both["team_built"]).all(), "team differs"
    for column in ("scheduled_s", "logged_in_s", "available_s", "on_contact_s", "acw_s", "break_s",
                   "shifts_started", "shifts_attended", "shifts_on_time"):
        if f"{column}_truth" not in both:
            continue
        expected = _number(both[f"{column}_truth"]).fillna(0)
        got = _number(both[f"{column}_built"].astype(object).map(_text)).fillna(0)
        differ = both[(expected - got).abs() > 1e-6]
        assert differ.empty, f"{len(differ)} agent-days differ in {column}:\n" + differ[
            ["agent_id", "activity_date", f"{column}_truth", f"{column}_built"]].head().to_string()

"""Intermediate layer checks that need a real build (dbt unit tests cover the
rules row by row in models/intermediate/_intermediate__unit_tests.yml).

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
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from ccw.dbt import run_dbt

SESSION_GAP_S = 30 * 60
CUSTOMERS = [f"C{n:04d}" for n in range(1, 7)]
AGENTS = ["A0001", "A0002", "A0003"]
START = datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
DAYS = 4
CUTOFF_DAY = 2  # the partial load holds days 1..2

AGENT_COLUMNS = ["agent_id", "full_name", "email", "team", "site", "timezone", "hired_on", "left_on", "updated_at"]
CUSTOMER_COLUMNS = ["customer_id", "full_name", "email", "phone", "city", "segment", "created_at", "updated_at"]
MESSAGE_COLUMNS = [
    "message_id", "channel", "customer_id", "sender_type", "event", "agent_id", "sent_at", "char_count", "ticket_id",
]


def _crm_ts(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def _write_raw(raw: Path, messages: list[dict[str, str]]) -> None:
    updated = _crm_ts(START - timedelta(days=30))
    agents = [
        {"agent_id": a, "full_name": f"Agent {a}", "email": f"{a.lower()}@example.com", "team": "T1", "site": "S1",
         "timezone": "Asia/Shanghai", "hired_on": "2025-01-01", "left_on": "", "updated_at": updated}
        for a in AGENTS
    ]
    customers = [
        {"customer_id": c, "full_name": f"Customer {c}", "email": f"{c.lower()}@example.com",
         "phone": f"1380013{n:04d}", "city": "Shanghai", "segment": "regular", "created_at": updated, "updated_at": updated}
        for n, c in enumerate(CUSTOMERS)
    ]
    _write_csv(raw / "crm" / "agents" / "2026-03-01.csv", AGENT_COLUMNS, agents)
    _write_csv(raw / "crm" / "customers" / "2026-03-01.csv", CUSTOMER_COLUMNS, customers)
    by_day: dict[str, list[dict[str, str]]] = {}
    for row in messages:
        day = datetime.fromisoformat(row["sent_at"]).astimezone(timezone.utc).date().isoformat()
        by_day.setdefault(day, []).append(row)
    for day, rows in sorted(by_day.items()):
        _write_csv(raw / "messaging" / "messages" / f"{day}.csv", MESSAGE_COLUMNS, rows)


def _build_sessions(raw: Path, work: Path) -> dict[str, tuple[str, int]]:
    wh = work / "wh.duckdb"
    run_dbt(
        ["run", "--select", "+int_messages_sessionized"],
        raw, wh, target_path=work / "target", log_path=work / "logs", stream=False,
    )
    con = duckdb.connect(str(wh), read_only=True)
    try:
        rows = con.sql(
            "select message_id, conversation_id, event_seq from intermediate.int_messages_sessionized"
        ).fetchall()
    finally:
        con.close()
    return {m: (c, s) for m, c, s in rows}


@pytest.mark.slow
def test_conversation_ids_are_stable_across_loads(tmp_path: Path) -> None:
    messages = _synthetic_messages()
    cutoff = START + timedelta(days=CUTOFF_DAY)
    early = [m for m in messages if datetime.fromisoformat(m["sent_at"]) < cutoff]
    assert 0 < len(early) < len(messages)

    _write_raw(tmp_path / "raw_partial", early)
    _write_raw(tmp_path / "raw_full", messages)
    partial = _build_sessions(tmp_path / "raw_partial", tmp_path / "partial")
    full = _build_sessions(tmp_path / "raw_full", tmp_path / "full")

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


def _read_ground_truth_contacts(demo_raw: Path) -> list[dict[str, str]]:
    path = demo_raw / "_ground_truth" / "contacts.csv"
    if not path.exists():
        pytest.skip("the simulator does not write _ground_truth/contacts.csv yet")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _pick(row: dict[str, str], *names: str) -> str:
    for name in names:
        if name in row:
            return row[name] or ""
    raise KeyError(f"none of {names} in ground truth columns {sorted(row)}")


@pytest.fixture(scope="module")
def ground_truth_contacts(request: pytest.FixtureRequest) -> list[dict[str, str]]:
    try:
        from ccw.simulator import simulate_to_folder  # noqa: F401
    except ImportError:
        pytest.skip("the simulator (ccw.simulator.simulate_to_folder) does not exist yet")
    demo_raw = request.getfixturevalue("demo_raw")
    return _read_ground_truth_contacts(demo_raw)


@pytest.mark.slow
def test_contacts_agree_with_ground_truth(ground_truth_contacts, demo_con) -> None:
    truth: dict[tuple[str, str], str] = {}
    for row in ground_truth_contacts:
        kind = _pick(row, "contact_type", "kind").strip().lower()
        kind = {"0": "call", "1": "chat", "phone": "call"}.get(kind, kind)
        truth[(kind, _pick(row, "source_ref"))] = _pick(row, "owner_agent_id", "owner")

    built = {
        (contact_type, source_ref): owner or ""
        for contact_type, source_ref, owner in demo_con.sql(
            "select contact_type, source_ref, owner_agent_id from intermediate.int_contacts_unioned"
        ).fetchall()
    }

    for kind in ("call", "chat"):
        truth_keys = {k for k in truth if k[0] == kind}
        built_keys = {k for k in built if k[0] == kind}
        missing, extra = truth_keys - built_keys, built_keys - truth_keys
        assert not missing and not extra, (
            f"{kind}: {len(truth_keys)} true contacts, {len(built_keys)} built; "
            f"missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}"
        )
        wrong = {k: (truth[k], built[k]) for k in truth_keys if truth[k] != built[k]}
        assert not wrong, f"{kind}: {len(wrong)} owners differ (truth, built): {list(wrong.items())[:5]}"

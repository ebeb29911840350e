"""The simulator writes the raw contract, messiness included, with ground truth
that agrees with the files it wrote.

Expected values here come from the spec (raw-sources.md, marts-and-kpis.md,
docs/design.md) and from an independent re-reading of the written files (a
small pandas implementation of the staging rules below), never from the
simulator's own code.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from ccw.simulator import simulate_to_folder

ARGS = dict(days=8, agents=14, seed=5)
MESS = 0.05

# -- the contract, written out again for the checker (raw-sources.md + docs/design.md) --------------
ENTITIES = {
    "crm__agents": dict(key=["agent_id", "updated_at"], nullable={"left_on"},
                        ts={"updated_at"}, date={"hired_on", "left_on"}),
    "crm__customers": dict(key=["customer_id", "updated_at"], ts={"created_at", "updated_at"},
                           enum={"segment": {"vip", "regular"}}),
    "crm__tickets": dict(key=["ticket_id"], nullable={"assignee_agent_id", "solved_at"},
                         ts={"created_at", "solved_at", "updated_at"}, int={"reopen_count"}, bool={"is_complaint"},
                         enum={"channel": {"phone", "chat", "email"}, "category": {"pre_sales", "in_sale", "after_sales"},
                               "priority": {"low", "normal", "high", "urgent"},
                               "status": {"new", "open", "pending", "solved", "closed"}},
                         agents=["assignee_agent_id"], customers=True, latest=True),
    "crm__orders": dict(key=["order_id"], nullable={"paid_at"}, ts={"created_at", "paid_at", "updated_at"},
                        int={"item_count"}, dec={"amount"},
                        enum={"status": {"created", "paid", "cancelled", "refunded"}}, customers=True, latest=True),
    "crm__qa_evaluations": dict(key=["evaluation_id"], ts={"evaluated_at"}, dec={"score"},
                                enum={"channel": {"phone", "chat"}}, agents=["agent_id"]),
    "telephony__calls": dict(key=["call_id"], nullable={"root_call_id", "agent_id", "answered_at", "ticket_id"},
                             ts={"enqueued_at", "answered_at", "ended_at"}, int={"hold_s", "acw_s"},
                             enum={"direction": {"inbound", "outbound"},
                                   "disposition": {"answered", "abandoned", "transferred", "voicemail"}},
                             agents=["agent_id"]),
    "messaging__messages": dict(key=["message_id"], nullable={"agent_id", "ticket_id"}, ts={"sent_at"},
                                int={"char_count"},
                                enum={"channel": {"web", "app", "social"},
                                      "sender_type": {"customer", "agent", "bot", "system"},
                                      "event": {"message", "assign", "close"}},
                                agents=["agent_id"], customers=True),
    "survey__responses": dict(key=["response_id"], nullable={"call_id", "ticket_id", "comment"},
                              ts={"sent_at", "responded_at"}, int={"score"},
                              enum={"survey": {"csat", "nps"}, "channel": {"phone", "chat"}}, customers=True),
    "wfm__schedules": dict(key=["agent_id", "shift_start"], ts={"shift_start", "shift_end"}, agents=["agent_id"]),
    "wfm__agent_states": dict(key=["agent_id", "started_at"], ts={"started_at", "ended_at"},
                              enum={"state": {"available", "on_contact", "acw", "break", "offline"}},
                              agents=["agent_id"]),
}
TS_FORMAT = {  # system -> (regex, strptime format, zone offset hours to UTC)
    "crm": (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", "%Y-%m-%dT%H:%M:%SZ", 0),
    "wfm": (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", "%Y-%m-%dT%H:%M:%SZ", 0),
    "messaging": (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$", None, None),
    "telephony": (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S", 8),
    "survey": (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S", 0),
}
BOOLS = {"true", "false", "1", "0", "yes", "no"}
PHONE_SHAPES = {
    "+86 138-0013-8000": r"^\+86 \d{3}-\d{4}-\d{4}$",
    "13800138000": r"^\d{11}$",
    "0086 138 0013 8000": r"^0086 \d{3} \d{4} \d{4}$",
    "(+86)13800138000": r"^\(\+86\)\d{11}$",
}


def read_entity(raw: Path, entity: str) -> pd.DataFrame:
    system, name = entity.split("__")
    frames = []
    for f in sorted((raw / system / name).iterdir()):
        if f.suffix == ".csv":
            df = pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[])
            df = df.replace({"": None})
        else:
            df = pq.read_table(f).to_pandas()
        df["_file"] = f.stem
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def to_utc(values: pd.Series, system: str) -> pd.Series:
    """Parse one system's timestamps to naive UTC (NaT when null or unparseable)."""
    rx, fmt, hours = TS_FORMAT[system]
    s = values.astype("string").str.strip()
    ok = s.str.match(rx).fillna(False).astype(bool)
    s = s.where(ok)
    if system == "messaging":
        return pd.to_datetime(s, format="%Y-%m-%dT%H:%M:%S%z", errors="coerce", utc=True).dt.tz_localize(None)
    return pd.to_datetime(s, format=fmt, errors="coerce") - pd.Timedelta(hours=hours)


def blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype("string").str.strip() == "")


class Staging:
    """An independent, small implementation of docs/design.md "Raw -> staging" over the files."""

    def __init__(self, raw: Path):
        self.raw = raw
        self.frames = {e: read_entity(raw, e) for e in ENTITIES}
        self.result: dict[str, dict] = {}
        self.valid: dict[str, pd.DataFrame] = {}
        for e in ENTITIES:  # agents and customers first: references need them
            self.result[e] = self._process(e)

    def _process(self, entity: str) -> dict:
        spec = ENTITIES[entity]
        system = entity.split("__")[0]
        df = self.frames[entity]
        cols = [c for c in df.columns if not c.startswith("_")]
        raw_rows = len(df)
        dup = df[cols].fillna("\x00").duplicated(keep="first")
        d = df[~dup].copy()
        reason = pd.Series(None, index=d.index, dtype=object)

        def fail(mask: pd.Series, code: str) -> None:
            m = mask & reason.isna()
            reason[m] = code

        fail(np.logical_or.reduce([blank(d[k]) for k in spec["key"]]), "missing_key")
        nullable = spec.get("nullable", set())
        fail(np.logical_or.reduce([blank(d[c]) for c in cols if c not in nullable]), "missing_required_value")
        parsed = {}
        bad_ts = pd.Series(False, index=d.index)
        for c in spec.get("ts", set()):
            parsed[c] = to_utc(d[c], system)
            bad_ts |= ~blank(d[c]) & parsed[c].isna()
        for c in spec.get("date", set()):
            p = pd.to_datetime(d[c].where(d[c].astype("string").str.match(r"^\d{4}-\d{2}-\d{2}$").fillna(False).astype(bool)),
                               format="%Y-%m-%d", errors="coerce")
            bad_ts |= ~blank(d[c]) & p.isna()
        fail(bad_ts, "unparseable_timestamp")
        num = {}
        bad_val = pd.Series(False, index=d.index)
        for c in spec.get("int", set()):
            ok = d[c].astype("string").str.strip().str.match(r"^-?\d+$").fillna(False).astype(bool)
            bad_val |= ~blank(d[c]) & ~ok
            num[c] = pd.to_numeric(d[c].where(ok), errors="coerce")
        for c in spec.get("dec", set()):
            ok = d[c].astype("string").str.strip().str.match(r"^-?\d+(\.\d+)?$").fillna(False).astype(bool)
            bad_val |= ~blank(d[c]) & ~ok
            num[c] = pd.to_numeric(d[c].where(ok), errors="coerce")
        for c in spec.get("bool", set()):
            bad_val |= ~blank(d[c]) & ~d[c].astype("string").str.strip().str.lower().isin(BOOLS)
        fail(bad_val, "unparseable_value")
        bad_enum = pd.Series(False, index=d.index)
        for c, values in spec.get("enum", {}).items():
            bad_enum |= ~blank(d[c]) & ~d[c].astype("string").str.strip().str.lower().isin(values)
        fail(bad_enum, "unknown_enum_value")
        if entity == "survey__responses":
            sv = d["survey"].astype("string").str.strip().str.lower()
            sc = num["score"]
            fail(((sv == "csat") & ~sc.between(1, 5)) | ((sv == "nps") & ~sc.between(0, 10)), "score_out_of_range")
        if entity == "crm__qa_evaluations":
            fail(~num["score"].between(0, 100), "score_out_of_range")
        neg = pd.Series(False, index=d.index)
        for c in ("hold_s", "acw_s", "char_count", "item_count", "reopen_count", "amount"):
            if c in num:
                neg |= num[c] < 0
        if entity == "wfm__schedules":
            neg |= parsed["shift_end"] < parsed["shift_start"]
        if entity == "wfm__agent_states":
            neg |= parsed["ended_at"] < parsed["started_at"]
        fail(neg, "negative_duration")
        order = pd.Series(False, index=d.index)
        if entity == "telephony__calls":
            ans, enq, end = parsed["answered_at"], parsed["enqueued_at"], parsed["ended_at"]
            order = (ans < enq) | (end < ans.fillna(enq))
        elif entity == "crm__tickets":
            order = parsed["solved_at"] < parsed["created_at"]
        elif entity == "crm__orders":
            order = parsed["paid_at"] < parsed["created_at"]
        elif entity == "survey__responses":
            order = parsed["responded_at"] < parsed["sent_at"]
        fail(order.fillna(False).astype(bool), "impossible_timestamp_order")
        if spec.get("agents"):
            roster = set(self.valid["crm__agents"]["agent_id"].str.strip())
            unknown = pd.Series(False, index=d.index)
            for c in spec["agents"]:
                unknown |= ~blank(d[c]) & ~d[c].astype("string").str.strip().isin(roster)
            fail(unknown, "unknown_agent")
        if spec.get("customers"):
            known = set(self.valid["crm__customers"]["customer_id"].str.strip())
            fail(~d["customer_id"].astype("string").str.strip().isin(known), "unknown_customer")
        if entity == "telephony__calls":
            ids = set(d.loc[reason.isna(), "call_id"])
            fail(~blank(d["root_call_id"]) & ~d["root_call_id"].isin(ids), "unknown_call_reference")
        valid = d[reason.isna()].copy()
        for c, p in parsed.items():
            valid[c + "_utc"] = p[reason.isna()]
        if spec.get("latest"):
            superseded = len(valid) - valid[spec["key"][0]].nunique()
        else:
            superseded = int(valid.duplicated(spec["key"]).sum())
        self.valid[entity] = valid
        return {
            "raw_rows": raw_rows, "duplicate_rows": int(dup.sum()), "rejected_rows": int(reason.notna().sum()),
            "superseded_rows": superseded,
            "clean_rows": raw_rows - int(dup.sum()) - int(reason.notna().sum()) - superseded,
            "reasons": reason.dropna().value_counts().to_dict(),
        }


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- fixtures ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sim_csv(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "raw"
    simulate_to_folder(out, mess_rate=MESS, **ARGS)
    return out


@pytest.fixture(scope="module")
def staged(sim_csv: Path) -> Staging:
    return Staging(sim_csv)


@pytest.fixture(scope="module")
def truth(sim_csv: Path) -> dict[str, pd.DataFrame]:
    gt = sim_csv / "_ground_truth"
    return {n: pd.read_csv(gt / f"{n}.csv", keep_default_na=False, na_values=[""])
            for n in ("entity_counts", "rejected_by_reason", "agent_daily", "queue_daily", "contacts")}


# -- layout and determinism ------------------------------------------------------------------------------

def test_layout_one_file_per_entity_per_day(sim_csv: Path):
    days = [date(2026, 3, 1 + i).isoformat() for i in range(ARGS["days"])]
    for entity in ENTITIES:
        system, name = entity.split("__")
        files = sorted(p.name for p in (sim_csv / system / name).iterdir())
        assert files == [f"{d}.csv" for d in days], entity
    manifest = json.loads((sim_csv / "_ground_truth" / "manifest.json").read_text())
    assert manifest["parameters"]["seed"] == ARGS["seed"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str):
    args = dict(days=3, agents=6, seed=3, fmt=fmt)
    simulate_to_folder(tmp_path / "a", **args)
    simulate_to_folder(tmp_path / "b", **args)
    simulate_to_folder(tmp_path / "c", **{**args, "seed": 4})
    a, b, c = (tree_digest(tmp_path / x) for x in "abc")
    assert len(a) > 10 * 3
    assert all(k.endswith(f".{fmt}") for k in a if not k.startswith(("_ground_truth", ".")))
    assert a == b
    assert a != c


def test_worker_processes_write_the_same_bytes(tmp_path: Path, monkeypatch):
    args = dict(days=3, agents=6, seed=8)
    monkeypatch.setenv("CCW_SIM_WORKERS", "0")
    simulate_to_folder(tmp_path / "serial", **args)
    monkeypatch.setenv("CCW_SIM_WORKERS", "2")
    simulate_to_folder(tmp_path / "parallel", **args)
    assert tree_digest(tmp_path / "serial") == tree_digest(tmp_path / "parallel")


def test_parquet_holds_the_same_text_as_csv(tmp_path: Path):
    simulate_to_folder(tmp_path / "c", days=2, agents=5, seed=9, fmt="csv")
    simulate_to_folder(tmp_path / "p", days=2, agents=5, seed=9, fmt="parquet")
    for entity in ENTITIES:
        c = read_entity(tmp_path / "c", entity).drop(columns="_file")
        p = read_entity(tmp_path / "p", entity).drop(columns="_file")
        pd.testing.assert_frame_equal(c.fillna("<null>"), p.fillna("<null>"), check_dtype=False)


# -- reconciliation: every raw row is clean, rejected, duplicate or superseded ----------------------------

def test_counts_reconcile_with_the_files(staged: Staging, truth):
    counts = truth["entity_counts"].set_index("entity")
    assert set(counts.index) == set(ENTITIES)
    for entity, got in staged.result.items():
        row = counts.loc[entity]
        assert row.raw_rows == row.clean_rows + row.rejected_rows + row.duplicate_rows + row.superseded_rows, entity
        for col in ("raw_rows", "clean_rows", "rejected_rows", "duplicate_rows", "superseded_rows"):
            assert got[col] == row[col], (entity, col, got[col], row[col])


def test_rejected_reasons_match_an_independent_validation(staged: Staging, truth):
    rej = truth["rejected_by_reason"]
    for entity, got in staged.result.items():
        expected = {r.reason_code: r.rows for r in rej[rej.entity == entity].itertuples()}
        assert got["reasons"] == expected, entity


# -- messiness at roughly its rate -----------------------------------------------------------------------

def test_every_messiness_type_is_present_at_roughly_its_rate(staged: Staging, sim_csv: Path):
    big = ["messaging__messages", "crm__customers"]
    for entity in big:
        r = staged.result[entity]
        distinct = r["raw_rows"] - r["duplicate_rows"]
        assert 0.5 * MESS < r["duplicate_rows"] / distinct < 2 * MESS, entity
        assert 0.5 * MESS < r["rejected_rows"] / (distinct - r["rejected_rows"]) < 2 * MESS, entity
    # every reason code of the design table that applies to an entity occurs
    calls = staged.result["telephony__calls"]["reasons"]
    assert set(calls) == {"missing_key", "missing_required_value", "unparseable_timestamp", "unparseable_value",
                          "unknown_enum_value", "negative_duration", "impossible_timestamp_order", "unknown_agent",
                          "unknown_call_reference"}
    assert {"score_out_of_range", "unknown_customer"} <= set(staged.result["survey__responses"]["reasons"])
    # enum noise: valid rows whose enums are not already clean lower-case
    msgs = staged.valid["messaging__messages"]
    noisy = np.logical_or.reduce([msgs[c] != msgs[c].str.strip().str.lower() for c in ("channel", "sender_type", "event")])
    assert 0.5 * MESS < noisy.mean() < 2 * MESS
    # late rows: a message in a file 1-3 days after its Shanghai date
    local_day = (msgs["sent_at_utc"] + pd.Timedelta(hours=8)).dt.strftime("%Y-%m-%d")
    lag = (pd.to_datetime(msgs["_file"]) - pd.to_datetime(local_day)).dt.days
    assert lag.max() <= 3 and lag.min() >= 0  # rows are written on their day or up to 3 days late
    assert 0.4 * MESS < (lag > 0).mean() < 2 * MESS
    # superseded versions of tickets and orders, extra versions of agents and customers
    assert staged.result["crm__tickets"]["superseded_rows"] > 0 and staged.result["crm__orders"]["superseded_rows"] > 0
    for entity, key in (("crm__agents", "agent_id"), ("crm__customers", "customer_id")):
        assert staged.valid[entity][key].duplicated().any(), entity
    agents = staged.valid["crm__agents"].sort_values("updated_at_utc")
    teams = agents.groupby("agent_id")["team"].nunique()
    assert (teams > 1).any()  # an agent changed team
    # surveys and QA evaluations matching no contact
    calls_ids = set(staged.valid["telephony__calls"]["call_id"])
    msg_ids = set(msgs["message_id"])
    resp = staged.valid["survey__responses"]
    assert (resp["call_id"].notna() & ~resp["call_id"].isin(calls_ids)).any()
    qa = staged.valid["crm__qa_evaluations"]
    assert (~qa["contact_ref"].isin(calls_ids | msg_ids)).any()
    assert qa["contact_ref"].isin(calls_ids | msg_ids).mean() > 0.7


def test_phone_numbers_in_all_four_shapes(staged: Staging):
    for entity, col in (("crm__customers", "phone"), ("telephony__calls", "caller_number")):
        values = staged.valid[entity][col]
        for example, rx in PHONE_SHAPES.items():
            assert values.str.match(rx).any(), (entity, example)
        assert values.str.match("|".join(PHONE_SHAPES.values())).all()


# -- timestamps: format and zone per system ----------------------------------------------------------------

def test_timestamp_formats_per_system(staged: Staging):
    for entity, spec in ENTITIES.items():
        system = entity.split("__")[0]
        rx = TS_FORMAT[system][0]
        v = staged.valid[entity]
        for c in spec.get("ts", set()):
            vals = v[c].dropna()
            assert len(vals) == 0 or vals.str.match(rx).all(), (entity, c)
    offsets = staged.valid["messaging__messages"]["sent_at"].str[-6:].unique()
    assert set(offsets) == {"+08:00"}


def test_time_zones_line_up_across_systems(staged: Staging):
    calls = staged.valid["telephony__calls"]
    # crm (UTC, Z): a ticket is opened during the answered leg that carries it (telephony: Shanghai wall time)
    legs = calls[calls["ticket_id"].notna()].merge(staged.valid["crm__tickets"].drop_duplicates("ticket_id"),
                                                   on="ticket_id", suffixes=("", "_t"))
    delta = (legs["created_at_utc"] - legs["answered_at_utc"]).dt.total_seconds()
    assert len(delta) > 5 and delta.between(0, 3600).mean() > 0.98
    # survey (naive UTC): sent shortly after the leg it follows ended
    resp = staged.valid["survey__responses"].merge(calls, on="call_id", suffixes=("", "_c"))
    gap = (resp["sent_at_utc"] - resp["ended_at_utc"]).dt.total_seconds()
    assert len(gap) > 5 and gap.between(0, 3 * 3600).mean() > 0.98
    # wfm (UTC, Z): answered calls fall inside the answering agent's shift
    sch = staged.valid["wfm__schedules"]
    ans = calls[calls["answered_at_utc"].notna() & calls["agent_id"].notna()]
    m = ans.merge(sch, on="agent_id", suffixes=("", "_s"))
    inside = (m["answered_at_utc"] >= m["shift_start_utc"]) & (m["answered_at_utc"] < m["shift_end_utc"])
    assert inside.groupby(m["call_id"]).any().mean() > 0.95
    # messaging (offset): the conversation start in contacts.csv (naive UTC) is its first message
    msgs = staged.valid["messaging__messages"].drop_duplicates("message_id").set_index("message_id")
    con = pd.read_csv(staged.raw / "_ground_truth" / "contacts.csv")
    chats = con[con.contact_type == "chat"]
    first = msgs.loc[chats["source_ref"], "sent_at_utc"].to_numpy()
    assert (pd.to_datetime(chats["started_at"]).to_numpy() == first).all()


def test_some_shifts_cross_midnight_in_shanghai(staged: Staging):
    sch = staged.valid["wfm__schedules"]
    start_day = (sch["shift_start_utc"] + pd.Timedelta(hours=8)).dt.date
    end_day = (sch["shift_end_utc"] + pd.Timedelta(hours=8) - pd.Timedelta(seconds=1)).dt.date
    assert (start_day != end_day).any()


# -- sessionisation: the spec's rule finds exactly the generated conversations --------------------------

def test_conversations_sessionise_as_generated(staged: Staging, truth):
    m = staged.valid["messaging__messages"].drop_duplicates("message_id").copy()
    m["customer_id"] = m["customer_id"].str.strip()
    m["channel"] = m["channel"].str.strip().str.lower()
    m["event"] = m["event"].str.strip().str.lower()
    m = m.sort_values(["customer_id", "channel", "sent_at_utc", "message_id"])
    same = (m["customer_id"] == m["customer_id"].shift()) & (m["channel"] == m["channel"].shift())
    gap = (m["sent_at_utc"] - m["sent_at_utc"].shift()).dt.total_seconds()
    new = ~same | (gap > 30 * 60) | (m["event"].shift() == "close")
    starts = set(m.loc[new, "message_id"])
    con = truth["contacts"]
    assert starts == set(con.loc[con.contact_type == "chat", "source_ref"])
    # and gaps over 30 minutes do occur between a customer's conversations (not only closes)
    assert (same & (gap > 30 * 60) & (m["event"].shift() != "close")).any()


# -- ground truth recomputed from the files -----------------------------------------------------------------

def _shanghai_date(ts: pd.Series) -> pd.Series:
    return (ts + pd.Timedelta(hours=8)).dt.strftime("%Y-%m-%d")


def test_agent_daily_call_measures_recomputed_from_files(staged: Staging, truth):
    c = staged.valid["telephony__calls"].copy()
    c["direction"] = c["direction"].str.strip().str.lower()
    c["activity_date"] = _shanghai_date(c["enqueued_at_utc"])
    inb = c[(c["direction"] == "inbound") & c["answered_at_utc"].notna()].copy()
    inb["wait"] = (inb["answered_at_utc"] - inb["enqueued_at_utc"]).dt.total_seconds()
    inb["handle"] = (inb["ended_at_utc"] - inb["answered_at_utc"]).dt.total_seconds() + inb["acw_s"].astype(int)
    inb["hold"] = inb["hold_s"].astype(int)
    mine = inb.groupby(["agent_id", "activity_date"]).agg(calls_answered=("call_id", "size"), answer_wait_s_sum=("wait", "sum"),
                                                          hold_s_sum=("hold", "sum"), handle_s_sum_calls=("handle", "sum"))
    out = c[c["direction"] == "outbound"].groupby(["agent_id", "activity_date"]).size().rename("outbound_calls")
    mine = mine.join(out, how="outer").fillna(0)
    ad = truth["agent_daily"].set_index(["agent_id", "activity_date"])
    cols = ["calls_answered", "answer_wait_s_sum", "hold_s_sum", "handle_s_sum_calls", "outbound_calls"]
    theirs = ad[cols]
    theirs = theirs[(theirs != 0).any(axis=1)]
    joined = mine.join(theirs.add_suffix("_gt"), how="outer").fillna(0)
    for col in cols:
        assert (joined[col] == joined[col + "_gt"]).all(), col
    assert mine["calls_answered"].sum() > 50


def test_queue_daily_recomputed_from_files(staged: Staging, truth):
    c = staged.valid["telephony__calls"].copy()
    c = c[c["direction"].str.strip().str.lower() == "inbound"]
    disp = c["disposition"].str.strip().str.lower()
    qt = (c["ended_at_utc"] - c["enqueued_at_utc"]).dt.total_seconds()
    wait = (c["answered_at_utc"] - c["enqueued_at_utc"]).dt.total_seconds()
    c = c.assign(activity_date=_shanghai_date(c["enqueued_at_utc"]), offered=1, answered=c["answered_at_utc"].notna(),
                 abandoned=(disp == "abandoned") & (qt >= 5), short_abandons=(disp == "abandoned") & (qt < 5),
                 answered_within_sl=wait <= 20)
    mine = c.groupby(["queue", "activity_date"])[["offered", "answered", "abandoned", "short_abandons", "answered_within_sl"]].sum()
    q = truth["queue_daily"].set_index(["queue", "activity_date"])[mine.columns]
    pd.testing.assert_frame_equal(mine.astype(int).sort_index(), q.astype(int).sort_index())
    assert mine["short_abandons"].sum() > 0 and mine["abandoned"].sum() > 0


def test_scheduled_seconds_split_at_shanghai_midnight(staged: Staging, truth):
    s = staged.valid["wfm__schedules"]
    rows = []
    for a, st, en in zip(s["agent_id"], s["shift_start_utc"], s["shift_end_utc"], strict=True):
        cur = st
        while cur < en:
            local = cur + pd.Timedelta(hours=8)
            next_mid = local.normalize() + pd.Timedelta(days=1) - pd.Timedelta(hours=8)
            stop = min(en, next_mid)
            rows.append((a, local.strftime("%Y-%m-%d"), (stop - cur).total_seconds()))
            cur = stop
    mine = pd.DataFrame(rows, columns=["agent_id", "activity_date", "s"]).groupby(["agent_id", "activity_date"])["s"].sum()
    ad = truth["agent_daily"].set_index(["agent_id", "activity_date"])["scheduled_s"]
    ad = ad[ad > 0]
    pd.testing.assert_series_equal(mine.sort_index(), ad.sort_index().astype(float), check_names=False)


def test_surveys_get_worse_with_waiting(truth):
    con = truth["contacts"]
    calls = con[(con.contact_type == "call") & con.csat_score.notna() & con.wait_s.notna()]
    fast = calls[calls.wait_s <= 20].csat_score.mean()
    slow = calls[calls.wait_s > 60].csat_score.mean()
    assert len(calls) > 20 and fast > slow


def test_contacts_ground_truth_shape(truth):
    con = truth["contacts"]
    assert {"call", "chat"} == set(con.contact_type)
    assert {"contact_type", "source_ref", "customer_id", "owner_agent_id", "activity_date", "is_handled"} <= set(con.columns)
    handled = con[con.is_handled]
    assert handled.owner_agent_id.notna().all()
    assert con[~con.is_handled].owner_agent_id.isna().all()


# -- CLI -------------------------------------------------------------------------------------------------

def _ccw(capsys, *args: str) -> tuple[int, str, str]:
    """Run `ccw ...` in-process (as the console script does) -> (exit code, stdout, stderr)."""
    from ccw.cli import main

    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_help(capsys):
    code, out, _ = _ccw(capsys, "simulate", "--help")
    assert code == 0
    for opt in ("--out", "--days", "--agents", "--seed", "--start", "--format", "--mess-rate", "--duplicate-rate"):
        assert opt in out


def test_cli_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "ccw", "simulate", "--days", "x"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.startswith("error:") and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--days", "abc"], ["--format", "xml"], ["--start", "2026-13-01"],
                                  ["--mess-rate", "7"], ["--days", "0"]])
def test_cli_bad_argument_is_one_readable_line(capsys, tmp_path: Path, args: list[str]):
    code, _, err = _ccw(capsys, "simulate", "--out", str(tmp_path / "x"), *args)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "Traceback" not in err


def test_cli_writes_a_folder(capsys, tmp_path: Path):
    code, _, err = _ccw(capsys, "simulate", "--out", str(tmp_path / "raw"), "--days", "2", "--agents", "4",
                        "--format", "parquet")
    assert code == 0, err
    assert (tmp_path / "raw" / "telephony" / "calls" / "2026-03-01.parquet").exists()
    assert "day 2/2" in err


def test_refuses_to_overwrite_a_foreign_folder(capsys, tmp_path: Path):
    (tmp_path / "mine.txt").write_text("keep me")
    code, _, err = _ccw(capsys, "simulate", "--out", str(tmp_path), "--days", "1", "--agents", "3")
    assert code != 0 and (tmp_path / "mine.txt").exists() and err.startswith("error:")


def test_bench_simulate_reports_speed_and_memory(capsys, tmp_path: Path):
    code, out, err = _ccw(capsys, "bench", "simulate", "--days", "2", "--agents", "4", "--out", str(tmp_path / "b"))
    assert code == 0, err
    for word in ("messages", "call legs", "rows/second", "CPU seconds", "peak RSS"):
        assert word in out


def test_conversation_owner_and_messages_recomputed_from_files(staged: Staging, truth):
    m = staged.valid["messaging__messages"].drop_duplicates("message_id").copy()
    for c in ("customer_id", "channel", "event", "sender_type"):
        m[c] = m[c].str.strip().str.lower() if c != "customer_id" else m[c].str.strip()
    m = m.sort_values(["customer_id", "channel", "sent_at_utc", "message_id"]).reset_index(drop=True)
    same = (m["customer_id"] == m["customer_id"].shift()) & (m["channel"] == m["channel"].shift())
    gap = (m["sent_at_utc"] - m["sent_at_utc"].shift()).dt.total_seconds()
    m["conv"] = (~same | (gap > 1800) | (m["event"].shift() == "close")).cumsum()
    first_id = m.groupby("conv")["message_id"].first()
    am = m[(m["sender_type"] == "agent") & (m["event"] == "message")]
    per = am.groupby(["conv", "agent_id"]).agg(n=("message_id", "size"), first=("sent_at_utc", "min")).reset_index()
    per = per.sort_values(["conv", "n", "first"], ascending=[True, False, True]).drop_duplicates("conv")
    owner = per.set_index("conv")["agent_id"].rename(index=first_id)
    n_agent = am.groupby("conv").size().rename(index=first_id)
    con = truth["contacts"]
    chats = con[con.contact_type == "chat"].set_index("source_ref")
    assert (chats.owner_agent_id.dropna() == owner.reindex(chats.owner_agent_id.dropna().index)).all()
    assert set(owner.index) == set(chats.owner_agent_id.dropna().index)
    assert len(owner) > 100
    # agent_messages in agent_daily: agent messages of owned conversations, by the conversation's date
    ad = truth["agent_daily"].set_index(["agent_id", "activity_date"])["agent_messages"]
    owned = chats.dropna(subset=["owner_agent_id"]).assign(n=n_agent.reindex(chats.dropna(subset=["owner_agent_id"]).index))
    mine = owned.groupby(["owner_agent_id", "activity_date"])["n"].sum()
    pd.testing.assert_series_equal(mine.astype(int).sort_index(), ad[ad > 0].sort_index().astype(int),
                                   check_names=False, check_index_type=False)


def test_fcr_and_repeat_flags_follow_the_windows(truth):
    con = truth["contacts"].copy()
    con["start"] = pd.to_datetime(con["started_at"])
    con["end"] = pd.to_datetime(con["ended_at"])
    week = pd.Timedelta(hours=168)
    elig = con[con.is_handled & con.customer_id.notna()]
    by_customer = {k: g for k, g in con[con.customer_id.notna()].groupby("customer_id")}
    for row in elig.sample(min(300, len(elig)), random_state=1).itertuples():
        g = by_customer[row.customer_id].drop(index=row.Index)
        fcr = not ((g.start >= row.end) & (g.start <= row.end + week)).any()
        h = g[g.is_handled]
        repeat = ((h.end >= row.start - week) & (h.end <= row.start)).any()
        assert bool(row.is_fcr) == fcr and bool(row.is_repeat) == repeat, row.source_ref
    assert con[~con.is_handled].is_fcr.isna().all()
    assert elig.is_repeat.astype(bool).any() and (~elig.is_fcr.astype(bool)).any()

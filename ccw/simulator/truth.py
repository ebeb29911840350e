"""Ground truth from the clean event model, by the spec's definitions
(marts-and-kpis.md), in pandas/numpy: never by running the warehouse's SQL.

The runner feeds the clean typed rows as they are written (`observe`) and the
generator's contacts (`add_contacts`); `write` computes and writes the files
of `<out>/_ground_truth/`. To add a measure: compute a frame keyed by
(agent_id, activity_date) in `agent_daily` and add it to `parts`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ccw.simulator import fastfmt as ff
from ccw.simulator.contacts import CATEGORIES, CHAT_CHANNELS, Contacts
from ccw.simulator.frame import Frame
from ccw.simulator.schema import NULL, QUEUES, TZ_OFFSET_S
from ccw.simulator.world import DAY_S, World

SERVICE_LEVEL_S = 20
SHORT_ABANDON_S = 5
SURVEY_MATCH_S = 24 * 3600
LATE_GRACE_S = 300
FCR_WINDOW_S = 168 * 3600
KEEP = {
    "telephony__calls": ("call_id", "root_call_id", "direction", "queue", "agent_id", "enqueued_at", "answered_at",
                         "ended_at", "hold_s", "acw_s", "disposition"),
    "survey__responses": ("response_id", "customer_id", "survey", "channel", "call_id", "sent_at", "responded_at", "score"),
    "crm__qa_evaluations": ("evaluation_id", "agent_id", "evaluated_at", "score"),
    "wfm__schedules": ("agent_id", "shift_start", "shift_end"),
    "wfm__agent_states": ("agent_id", "state", "started_at", "ended_at"),
    "crm__tickets": ("ticket_id", "channel", "priority", "status", "assignee_agent_id", "created_at", "solved_at",
                     "reopen_count", "updated_at"),
}
STATE_NAMES = ("available", "on_contact", "acw", "break", "offline")


def _compact(values: np.ndarray) -> np.ndarray:
    """Small integer columns (codes, seconds) stored as int32: the truth keeps every leg and state."""
    if values.dtype == np.int64 and len(values) and values.min() > -(2**31) and values.max() < 2**31:
        return values.astype(np.int32)
    return values.copy()


class Truth:
    def __init__(self, world: World, agent_versions: tuple[np.ndarray, np.ndarray, np.ndarray]):
        self.world = world
        self.agent_versions = agent_versions
        self.parts: dict[str, list[dict[str, np.ndarray]]] = {k: [] for k in KEEP}
        self.contacts: list[dict[str, np.ndarray]] = []
        self.assignments: list[dict[str, np.ndarray]] = []

    # -- collection --------------------------------------------------------------------------------
    def observe(self, entity: str, clean: Frame) -> None:
        cols = KEEP.get(entity)
        if cols and clean:
            self.parts[entity].append({c: _compact(np.asarray(clean[c])) for c in cols})

    # compact storage of what the ground truth needs per contact (millions of contacts at scale)
    CONTACT_DTYPES = {
        "kind": np.int8, "channel": np.int8, "source_ref": np.int64, "customer": np.int32, "owner": np.int32,
        "queue": np.int8, "started_at": np.int64, "ended_at": np.int64, "is_handled": np.bool_,
        "wait_s": np.float64, "handle_s": np.float64, "first_response_s": np.float64, "ticket_id": np.int64,
        "ticket_at": np.int64, "category": np.int8, "is_complaint": np.bool_,
        "agent_messages": np.int32, "customer_messages": np.int32,
    }

    def add_assignments(self, started_at: np.ndarray, agent: np.ndarray, replied: np.ndarray) -> None:
        """Chat assignments: the conversation's start, the assigned agent, whether that agent wrote in it."""
        self.assignments.append({"day": self._day(started_at), "agent": agent.astype(np.int32), "replied": replied})

    def add_contacts(self, c: Contacts) -> None:
        self.contacts.append({k: getattr(c, k).astype(t) for k, t in self.CONTACT_DTYPES.items()})

    def _frame(self, entity: str) -> pd.DataFrame:
        parts = self.parts[entity]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="int64") for c in KEEP[entity]})
        return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in KEEP[entity]})

    # -- helpers -----------------------------------------------------------------------------------
    def _day(self, ts: np.ndarray | pd.Series) -> np.ndarray:
        return self.world.day_of(np.asarray(ts, dtype=np.int64))

    def _date_str(self, day: np.ndarray) -> np.ndarray:
        days = self.world.start_daynum + np.asarray(day, dtype=np.int64)
        return ff.from_matrix(ff.date_matrix(days)).to_numpy(zero_copy_only=False)

    def _split(self, agent: np.ndarray, s: np.ndarray, e: np.ndarray) -> pd.DataFrame:
        """Intervals split at reporting-day boundaries: (agent, day, seconds), zero-length dropped."""
        rows_a, rows_d, rows_s = [], [], []
        s = s.astype(np.int64)
        e = e.astype(np.int64)
        cur = s.copy()
        live = e > cur
        while live.any():
            day = self._day(cur)
            nxt = np.minimum(e, self.world.day_start(0) + (day + 1) * DAY_S)
            rows_a.append(agent[live])
            rows_d.append(day[live])
            rows_s.append((nxt - cur)[live])
            cur = np.where(live, nxt, cur)
            live = e > cur
        if not rows_a:
            return pd.DataFrame({"agent": [], "day": [], "secs": []})
        return pd.DataFrame({"agent": np.concatenate(rows_a), "day": np.concatenate(rows_d), "secs": np.concatenate(rows_s)})

    def _contacts(self) -> pd.DataFrame:
        if not self.contacts:
            return pd.DataFrame()
        df = pd.DataFrame({k: np.concatenate([c[k] for c in self.contacts]) for k in self.CONTACT_DTYPES})
        self.contacts = []
        df["day"] = self._day(df["started_at"])
        # a ticket created after the period is not exported: staging nulls the link
        valid_ticket = (df["ticket_id"] != NULL) & (df["ticket_at"] < self.world.end_utc)
        df.loc[~valid_ticket, "ticket_id"] = NULL
        df["is_complaint"] = valid_ticket & df["is_complaint"]
        df["is_presales"] = valid_ticket & (df["category"] == 0)
        self._fcr(df)
        return df

    @staticmethod
    def _fcr(df: pd.DataFrame) -> None:
        """FCR and repeat flags (spec windows, bounds inclusive) for handled contacts of known customers."""
        cust = df["customer"].to_numpy().astype(np.int64)
        start = df["started_at"].to_numpy()
        end = df["ended_at"].to_numpy()
        handled = df["is_handled"].to_numpy()
        known = cust > 0
        eligible = handled & known
        shift = np.int64(2**33)
        starts = np.sort(cust[known] * shift + start[known])
        lo = np.searchsorted(starts, cust * shift + end, "left")
        hi = np.searchsorted(starts, cust * shift + end + FCR_WINDOW_S, "right")
        others_after = hi - lo - (start == end).astype(np.int64)  # a zero-length contact finds itself
        hk = handled & known
        ends = np.sort(cust[hk] * shift + end[hk])
        lo = np.searchsorted(ends, cust * shift + start - FCR_WINDOW_S, "left")
        hi = np.searchsorted(ends, cust * shift + start, "right")
        others_before = hi - lo - (hk & (start == end)).astype(np.int64)
        df["fcr_eligible"] = eligible
        df["is_fcr"] = eligible & (others_after == 0)
        df["is_repeat"] = eligible & (others_before > 0)

    # -- survey attribution ------------------------------------------------------------------------
    def _attribute(self, resp: pd.DataFrame, legs: pd.DataFrame, con: pd.DataFrame) -> pd.DataFrame:
        """Contact index of each response (-1 unattributed), by the spec's rule."""
        resp = resp.copy()
        con_index = pd.Series(np.arange(len(con)), index=pd.Index(con["source_ref"].where(con["kind"] == 0, -2)))
        con_index = con_index[con_index.index >= 0]
        inbound = legs[legs["direction"] == 0]
        root = np.where(inbound["root_call_id"] != NULL, inbound["root_call_id"], inbound["call_id"])
        leg_contact = pd.Series(con_index.reindex(root).to_numpy(), index=inbound["call_id"].to_numpy())
        via_call = leg_contact.reindex(resp["call_id"].to_numpy()).to_numpy()
        resp["contact"] = np.where(np.isnan(via_call), -1, np.nan_to_num(via_call, nan=-1)).astype(np.int64)
        resp["method"] = np.where(resp["contact"] >= 0, "call_id", "")
        fb = resp[resp["contact"] < 0]
        if len(fb) and len(con):
            cand = pd.DataFrame({"customer_id": con["customer"], "kind": con["kind"], "c_start": con["started_at"],
                                 "c_end": con["ended_at"], "c_idx": np.arange(len(con))})
            cand = cand[cand["customer_id"].isin(np.unique(fb["customer_id"].to_numpy()))]  # only the customers asked for
            m = fb[["response_id", "customer_id", "channel", "sent_at"]].merge(
                cand, left_on=["customer_id", "channel"], right_on=["customer_id", "kind"], how="inner")
            m = m[(m["c_end"] >= m["sent_at"] - SURVEY_MATCH_S) & (m["c_end"] <= m["sent_at"])]
            m = m.sort_values(["response_id", "c_start", "c_idx"]).drop_duplicates("response_id", keep="last")
            hit = pd.Series(m["c_idx"].to_numpy(), index=m["response_id"].to_numpy())
            pos = resp.index[resp["contact"] < 0]
            got = hit.reindex(resp.loc[pos, "response_id"].to_numpy()).to_numpy()
            ok = ~np.isnan(got)
            resp.loc[pos[ok], "contact"] = got[ok].astype(np.int64)
            resp.loc[pos[ok], "method"] = "fallback"
        # latest responded_at per (contact, survey) counts
        resp["is_counting"] = False
        att = resp[resp["contact"] >= 0].sort_values(["contact", "survey", "responded_at", "response_id"])
        last = att.drop_duplicates(["contact", "survey"], keep="last").index
        resp.loc[last, "is_counting"] = True
        return resp

    # -- outputs -----------------------------------------------------------------------------------
    def write(self, gt: Path, counts: dict[str, dict[str, Any]], rejected: dict[str, dict[str, int]],
              manifest: dict[str, Any]) -> dict[str, int]:
        gt.mkdir(parents=True, exist_ok=True)
        legs = self._frame("telephony__calls")
        con = self._contacts()
        resp = self._frame("survey__responses")
        resp = self._attribute(resp, legs, con) if len(resp) else resp.assign(contact=[], method=[], is_counting=[])

        transfers = self.transfers(legs)
        ad = self.agent_daily(legs, con, resp, transfers)
        qd = self.queue_daily(legs, transfers)
        qi = self.queue_interval(legs, transfers)
        ci = self.centre_interval(legs)
        write_csv(pd.DataFrame([{"entity": e, **v} for e, v in counts.items()]), gt / "entity_counts.csv")
        rej = [{"entity": e, "reason_code": r, "rows": n} for e, by in rejected.items() for r, n in sorted(by.items())]
        write_csv(pd.DataFrame(rej, columns=["entity", "reason_code", "rows"]), gt / "rejected_by_reason.csv")
        write_csv(ad, gt / "agent_daily.csv")
        write_csv(qd, gt / "queue_daily.csv")
        write_csv(qi, gt / "queue_interval.csv")
        write_csv(ci, gt / "centre_interval.csv")
        write_csv(self.ticket_backlog(), gt / "ticket_backlog_daily.csv")
        self.write_contacts(con, resp, gt / "contacts.csv")
        sv = resp
        stats = {
            "responses": int(len(resp)),
            "responses_attributed_by_call_id": int((sv["method"] == "call_id").sum()),
            "responses_attributed_by_fallback": int((sv["method"] == "fallback").sum()),
            "responses_unattributed": int((sv["contact"] < 0).sum()),
            "contacts": int(len(con)),
            "agent_days": int(len(ad)),
        }
        manifest = {**manifest, "truth_stats": stats}
        (gt / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        return stats

    def transfers(self, legs: pd.DataFrame) -> pd.DataFrame:
        """Per answered inbound leg of a contact: is it a transfer out (not its contact's last answered leg,
        by answered_at, enqueued_at, call_id), and per contact (its root leg) how many legs were answered."""
        inb = legs[legs["direction"] == 0]
        roots = inb.loc[inb["root_call_id"] == NULL, "call_id"]
        root = np.where(inb["root_call_id"] != NULL, inb["root_call_id"], inb["call_id"])
        ans = inb.assign(root=root)[(inb["answered_at"] != NULL) & np.isin(root, roots.to_numpy())]
        ans = ans.sort_values(["root", "answered_at", "enqueued_at", "call_id"])
        last = ~ans["root"].duplicated(keep="last")
        out = pd.DataFrame({"call_id": ans["call_id"].to_numpy(), "root": ans["root"].to_numpy(),
                            "transfer_out": (~last).to_numpy()})
        return out.assign(answered_legs=out.groupby("root")["call_id"].transform("size"))

    @staticmethod
    def interval_start(ts: np.ndarray, minutes: int = 30) -> np.ndarray:
        """UTC epoch of the reporting interval's start: the local (UTC+8) wall clock floored to `minutes`."""
        ts = np.asarray(ts, dtype=np.int64)
        return ts - (ts + TZ_OFFSET_S) % (minutes * 60)

    def _leg_measures(self, legs: pd.DataFrame, transfers: pd.DataFrame) -> pd.DataFrame:
        """Inbound legs with the queue measures' 0/1 flags and sums (spec definitions)."""
        inb = legs[legs["direction"] == 0].copy()
        ans = inb["answered_at"] != NULL
        wait = np.where(ans, inb["answered_at"] - inb["enqueued_at"], 0)
        qtime = inb["ended_at"] - inb["enqueued_at"]
        ab = inb["disposition"] == 1
        out_ids = transfers.loc[transfers["transfer_out"], "call_id"].to_numpy()
        roots_transferred = transfers.loc[transfers["answered_legs"] > 1, "root"].unique()
        return inb.assign(
            offered=1, answered=ans.astype(int), abandoned=(ab & (qtime >= SHORT_ABANDON_S)).astype(int),
            short_abandons=(ab & (qtime < SHORT_ABANDON_S)).astype(int),
            answered_within_sl=(ans & (wait <= SERVICE_LEVEL_S)).astype(int), answer_wait_s_sum=wait,
            handle_s_sum=np.where(ans, inb["ended_at"] - inb["answered_at"] + inb["acw_s"], 0),
            hold_s_sum=np.where(ans, inb["hold_s"], 0), held_calls=(ans & (inb["hold_s"] > 0)).astype(int),
            transfers_out=np.isin(inb["call_id"], out_ids).astype(int),
            transferred_contacts=((inb["root_call_id"] == NULL) & np.isin(inb["call_id"], roots_transferred)).astype(int),
            day=self._day(inb["enqueued_at"]), interval=self.interval_start(inb["enqueued_at"].to_numpy()),
        )

    QUEUE_MEASURES = ["offered", "answered", "abandoned", "short_abandons", "answered_within_sl", "answer_wait_s_sum",
                      "handle_s_sum", "hold_s_sum", "held_calls", "transfers_out", "transferred_contacts"]

    def queue_interval(self, legs: pd.DataFrame, transfers: pd.DataFrame) -> pd.DataFrame:
        """fct_queue_interval's counts: each inbound leg in its queue and the 30-minute interval of its
        enqueued_at; a transferred contact in its root leg's (the root leg is its own first leg)."""
        cols = ["queue", "activity_date", "interval_start_utc", *self.QUEUE_MEASURES]
        inb = self._leg_measures(legs, transfers)
        if not len(inb):
            return pd.DataFrame(columns=cols)
        g = inb.groupby(["queue", "interval"])[self.QUEUE_MEASURES].sum().reset_index().sort_values(["queue", "interval"])
        g["queue"] = np.array(QUEUES)[g["queue"].to_numpy()]
        g["activity_date"] = self._date_str(self._day(g["interval"].to_numpy()))
        g["interval_start_utc"] = ff.from_matrix(ff.timestamp_matrix(g["interval"].to_numpy(), " ", "")).to_numpy(
            zero_copy_only=False)
        return g[cols]

    def centre_interval(self, legs: pd.DataFrame) -> pd.DataFrame:
        """fct_centre_interval's staffing: agent seconds per 30-minute interval by state, centre-wide."""
        cols = ["activity_date", "interval_start_utc", "logged_in_s", "available_s", "productive_s"]
        st = self._frame("wfm__agent_states")
        st = st[(st["state"] != 4) & (st["ended_at"] > st["started_at"])]
        if not len(st):
            return pd.DataFrame(columns=cols)
        pieces = []
        cur = st["started_at"].to_numpy().astype(np.int64)
        end = st["ended_at"].to_numpy().astype(np.int64)
        state = st["state"].to_numpy()
        live = end > cur
        while live.any():
            start = self.interval_start(cur[live])
            nxt = np.minimum(end[live], start + 1800)
            pieces.append(pd.DataFrame({"interval": start, "state": state[live], "secs": nxt - cur[live]}))
            cur[live] = nxt
            live = end > cur
        p = pd.concat(pieces)
        p["available_s"] = np.where(p["state"] == 0, p["secs"], 0)
        p["productive_s"] = np.where(p["state"] <= 2, p["secs"], 0)
        g = p.rename(columns={"secs": "logged_in_s"}).groupby("interval")[["logged_in_s", "available_s", "productive_s"]]
        g = g.sum().reset_index().sort_values("interval")
        g["activity_date"] = self._date_str(self._day(g["interval"].to_numpy()))
        g["interval_start_utc"] = ff.from_matrix(ff.timestamp_matrix(g["interval"].to_numpy(), " ", "")).to_numpy(
            zero_copy_only=False)
        return g[cols]

    def ticket_backlog(self) -> pd.DataFrame:
        """fct_ticket_backlog_daily, day by day from each ticket's latest version: created and solved on the day,
        open at its end (created before the end, not solved/closed with solved_at before it) by age bucket."""
        cols = ["activity_date", "team", "channel", "priority", "created", "solved", "solved_reopened", "open_at_end",
                "open_lt_1d", "open_1_3d", "open_3_7d", "open_gt_7d"]
        t = self._frame("crm__tickets")
        if not len(t):
            return pd.DataFrame(columns=cols)
        t = t.sort_values(["ticket_id", "updated_at"]).drop_duplicates("ticket_id", keep="last")
        a, ts, tm = (np.asarray(x) for x in self.agent_versions)
        exported = ts < self.world.end_utc  # the current version is the latest one exported
        a, ts, tm = a[exported], ts[exported], tm[exported]
        order = np.lexsort((ts, a))
        current = pd.Series(np.asarray(tm)[order], index=np.asarray(a)[order])
        current = current[~current.index.duplicated(keep="last")]
        names = np.array(self.world.roster.team_names + ["unassigned"])
        code = current.reindex(t["assignee_agent_id"].to_numpy()).to_numpy()
        t["team"] = names[np.where(np.isnan(code), len(names) - 1, np.nan_to_num(code)).astype(np.int64)]
        t["channel"] = np.array(["phone", "chat", "email"])[t["channel"].to_numpy()]
        t["priority"] = np.array(["low", "normal", "high", "urgent"])[t["priority"].to_numpy()]
        solved = (t["status"] >= 3) & (t["solved_at"] != NULL)
        created = t["created_at"].to_numpy()
        solved_at = np.where(solved, t["solved_at"], np.iinfo(np.int64).max)
        rows = []
        keys = ["team", "channel", "priority"]
        last_day = int(self._day(t["updated_at"].to_numpy()).max())
        for day in range(int(self._day(created).min()), last_day + 1):
            end = self.world.day_start(day + 1)
            age = end - created
            is_open = (created < end) & (solved_at >= end)
            frame = pd.DataFrame({
                **{k: t[k].to_numpy() for k in keys},
                "created": (self._day(created) == day).astype(int),
                "solved": (solved & (self._day(t["solved_at"].to_numpy()) == day)).astype(int),
                "open_at_end": is_open.astype(int),
                "open_lt_1d": (is_open & (age < DAY_S)).astype(int),
                "open_1_3d": (is_open & (age >= DAY_S) & (age < 3 * DAY_S)).astype(int),
                "open_3_7d": (is_open & (age >= 3 * DAY_S) & (age < 7 * DAY_S)).astype(int),
                "open_gt_7d": (is_open & (age >= 7 * DAY_S)).astype(int),
            })
            frame["solved_reopened"] = frame["solved"] * (t["reopen_count"].to_numpy() > 0)
            g = frame.groupby(keys).sum().reset_index()
            g = g[(g["created"] > 0) | (g["solved"] > 0) | (g["open_at_end"] > 0)]
            rows.append(g.assign(activity_date=self._date_str(np.full(len(g), day))))
        return pd.concat(rows)[cols].sort_values(["activity_date", *keys])

    def agent_daily(self, legs: pd.DataFrame, con: pd.DataFrame, resp: pd.DataFrame,
                    transfers: pd.DataFrame) -> pd.DataFrame:
        parts: list[pd.DataFrame] = []

        def agg(df: pd.DataFrame, agent: str, day: np.ndarray, **measures: tuple[str, str]) -> None:
            if not len(df):
                return
            g = df.assign(agent=df[agent].to_numpy(), day=day).groupby(["agent", "day"])
            parts.append(g.agg(**measures))

        inbound = legs[(legs["direction"] == 0) & (legs["answered_at"] != NULL)].copy()
        inbound["wait"] = inbound["answered_at"] - inbound["enqueued_at"]
        inbound["handle"] = inbound["ended_at"] - inbound["answered_at"] + inbound["acw_s"]
        inbound["one"] = 1
        inbound["held"] = (inbound["hold_s"] > 0).astype(int)
        inbound["out"] = np.isin(inbound["call_id"], transfers.loc[transfers["transfer_out"], "call_id"]).astype(int)
        agg(inbound, "agent_id", self._day(inbound["enqueued_at"]), calls_answered=("one", "sum"),
            answer_wait_s_sum=("wait", "sum"), hold_s_sum=("hold_s", "sum"), handle_s_sum_calls=("handle", "sum"),
            held_calls=("held", "sum"), transfers_out=("out", "sum"))
        # a transferred contact (more than one answered leg) counts for the agent of its last answered leg,
        # on the reporting day of its root leg
        last = transfers[(transfers["answered_legs"] > 1) & ~transfers["transfer_out"]]
        leg_at = legs.set_index("call_id")
        tc = pd.DataFrame({"agent": leg_at.loc[last["call_id"], "agent_id"].to_numpy(), "one": 1,
                           "root_day": self._day(leg_at.loc[last["root"], "enqueued_at"].to_numpy())})
        agg(tc, "agent", tc["root_day"].to_numpy(), transferred_contacts=("one", "sum"))
        out = legs[(legs["direction"] == 1) & (legs["agent_id"] != NULL)].assign(one=1)
        agg(out, "agent_id", self._day(out["enqueued_at"]), outbound_calls=("one", "sum"))

        if len(con):
            sel = con[con["is_handled"] & (con["owner"] > 0)]
            chat = (sel["kind"] == 1).to_numpy()
            owned = pd.DataFrame({
                "owner": sel["owner"].to_numpy(), "day": sel["day"].to_numpy(), "one": np.ones(len(sel), dtype=np.int64),
                "chat": chat.astype(np.int64), "chat_handle": np.where(chat, sel["handle_s"].to_numpy(), 0.0),
                "has_fr": sel["first_response_s"].notna().to_numpy().astype(np.int64),
                "fr": sel["first_response_s"].fillna(0.0).to_numpy(),
                "complaint": sel["is_complaint"].to_numpy().astype(np.int64),
                "presales": sel["is_presales"].to_numpy().astype(np.int64),
                "agent_msgs": np.where(chat, sel["agent_messages"].to_numpy(), 0).astype(np.int64),
                "customer_msgs": np.where(chat, sel["customer_messages"].to_numpy(), 0).astype(np.int64),
                "fcr_eligible": sel["fcr_eligible"].to_numpy().astype(np.int64),
                "fcr": sel["is_fcr"].to_numpy().astype(np.int64),
                "repeat": sel["is_repeat"].to_numpy().astype(np.int64),
            })
            del sel
            agg(owned, "owner", owned["day"].to_numpy(), contacts_owned=("one", "sum"), chats_handled=("chat", "sum"),
                handle_s_sum_chats=("chat_handle", "sum"), first_responses=("has_fr", "sum"),
                first_response_s_sum=("fr", "sum"), complaints=("complaint", "sum"), presales_contacts=("presales", "sum"),
                agent_messages=("agent_msgs", "sum"), customer_messages=("customer_msgs", "sum"),
                fcr_eligible_contacts=("fcr_eligible", "sum"), fcr_contacts=("fcr", "sum"),
                repeat_contacts=("repeat", "sum"))
            if self.assignments:
                asg = pd.DataFrame({k: np.concatenate([a[k] for a in self.assignments]) for k in ("day", "agent", "replied")})
                asg["one"] = 1
                asg["replied"] = asg["replied"].astype(np.int64)
                agg(asg, "agent", asg["day"].to_numpy(), chats_assigned=("one", "sum"), chats_replied=("replied", "sum"))
            # surveys: the counting response, for the owner on the contact's activity date
            if len(resp):
                cnt = resp[resp["is_counting"]].copy()
                cnt["owner"] = con["owner"].to_numpy()[cnt["contact"].to_numpy()]
                cnt["day"] = con["day"].to_numpy()[cnt["contact"].to_numpy()]
                cnt = cnt[cnt["owner"] > 0]
                cs = cnt[cnt["survey"] == 0].assign(one=1, sat=lambda x: (x["score"] >= 4).astype(int))
                agg(cs, "owner", cs["day"].to_numpy(), csat_responses=("one", "sum"), csat_score_sum=("score", "sum"),
                    csat_satisfied=("sat", "sum"))
                ns = cnt[cnt["survey"] == 1].assign(one=1, pro=lambda x: (x["score"] >= 9).astype(int),
                                                    det=lambda x: (x["score"] <= 6).astype(int))
                agg(ns, "owner", ns["day"].to_numpy(), nps_responses=("one", "sum"), nps_promoters=("pro", "sum"),
                    nps_detractors=("det", "sum"))

        qa = self._frame("crm__qa_evaluations").assign(one=1)
        agg(qa, "agent_id", self._day(qa["evaluated_at"]), qa_evaluations=("one", "sum"), qa_score_sum=("score", "sum"))

        sch = self._frame("wfm__schedules")
        if len(sch):
            sp = self._split(sch["agent_id"].to_numpy(), sch["shift_start"].to_numpy(), sch["shift_end"].to_numpy())
            parts.append(sp.groupby(["agent", "day"]).agg(scheduled_s=("secs", "sum")))
        st = self._frame("wfm__agent_states")
        if len(st):
            for code, name in enumerate(STATE_NAMES[:4]):
                s = st[st["state"] == code]
                sp = self._split(s["agent_id"].to_numpy(), s["started_at"].to_numpy(), s["ended_at"].to_numpy())
                if len(sp):
                    parts.append(sp.groupby(["agent", "day"]).agg(**{f"{name}_s": ("secs", "sum")}))
            # shifts: started on the date of shift_start; attended / on time from overlapping non-offline states
            if len(sch):
                parts.append(self._shifts(sch, st))

        if not parts:
            return pd.DataFrame(columns=["agent_id", "activity_date"])
        df = pd.concat(parts, axis=1).fillna(0)
        df = df.reset_index().rename(columns={"level_0": "agent", "level_1": "day"})
        for col in df.columns:
            if col not in ("agent", "day"):
                df[col] = df[col].astype(float) if col in ("qa_score_sum", "handle_s_sum_chats", "first_response_s_sum") else df[col].astype(np.int64)
        st_cols = [f"{n}_s" for n in STATE_NAMES[:4]]
        for col in st_cols:
            if col not in df:
                df[col] = 0
        df["logged_in_s"] = df[st_cols].sum(axis=1)
        for col in ("handle_s_sum_calls", "handle_s_sum_chats"):
            if col not in df:
                df[col] = 0
        df["handle_s_sum"] = df["handle_s_sum_calls"] + df["handle_s_sum_chats"]
        df = df.sort_values(["agent", "day"])
        df.insert(0, "activity_date", self._date_str(df.pop("day").to_numpy()))
        df.insert(0, "agent_id", self.world.render.ident(df.pop("agent").to_numpy(), "A", 4).to_numpy(zero_copy_only=False))
        df.insert(2, "team", self._teams(df))
        return df

    def _teams(self, df: pd.DataFrame) -> list[str]:
        """Team as of the end of the day: latest version updated before the next local midnight (else the earliest)."""
        a, t, tm = self.agent_versions
        names = self.world.roster.team_names
        by_agent: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for ag in np.unique(a):
            o = np.argsort(t[a == ag], kind="stable")
            by_agent[int(ag)] = (t[a == ag][o], tm[a == ag][o])
        out = []
        base = np.datetime64(self.world.cfg.start.isoformat(), "D")
        for ag, day in zip(df["agent_id"], df["activity_date"], strict=True):
            times, teams = by_agent[int(ag[1:])]
            d = int((np.datetime64(day, "D") - base).astype(int))
            midnight = self.world.day_start(d + 1)
            k = np.searchsorted(times, midnight, side="left") - 1
            out.append(names[teams[max(k, 0)]])
        return out

    def _shifts(self, sch: pd.DataFrame, st: pd.DataFrame) -> pd.DataFrame:
        """Shifts started/attended/on time. A state is matched to the agent's latest shift starting
        before the state ends (shifts of one agent never overlap), then checked for overlap."""
        s = sch.reset_index(drop=True)
        s["sid"] = np.arange(len(s))
        live = st[(st["state"] != 4) & (st["ended_at"] > st["started_at"])]
        left = live.sort_values("ended_at")[["agent_id", "started_at", "ended_at"]]
        right = s.sort_values("shift_start")[["agent_id", "shift_start", "shift_end", "sid"]]
        m = pd.merge_asof(left, right, left_on="ended_at", right_on="shift_start", by="agent_id",
                          allow_exact_matches=False)
        m = m[m["sid"].notna() & (m["started_at"] < m["shift_end"])]
        first = m.groupby(m["sid"].astype(np.int64))["started_at"].min()
        s["attended"] = s["sid"].isin(first.index).astype(int)
        s["on_time"] = (first.reindex(s["sid"]).to_numpy() <= s["shift_start"].to_numpy() + LATE_GRACE_S).astype(int)
        s["one"] = 1
        s["agent"] = s["agent_id"]
        s["day"] = self._day(s["shift_start"])
        return s.groupby(["agent", "day"]).agg(shifts_started=("one", "sum"), shifts_attended=("attended", "sum"),
                                              shifts_on_time=("on_time", "sum"))

    def queue_daily(self, legs: pd.DataFrame, transfers: pd.DataFrame) -> pd.DataFrame:
        cols = ["queue", "activity_date", *self.QUEUE_MEASURES]
        inb = self._leg_measures(legs, transfers)
        if not len(inb):
            return pd.DataFrame(columns=cols)
        g = inb.groupby(["queue", "day"])[self.QUEUE_MEASURES].sum().reset_index().sort_values(["queue", "day"])
        g["queue"] = np.array(QUEUES)[g["queue"].to_numpy()]
        g.insert(1, "activity_date", self._date_str(g.pop("day").to_numpy()))
        return g[cols]

    CONTACT_CHUNK = 500_000

    def write_contacts(self, con: pd.DataFrame, resp: pd.DataFrame, path: Path) -> None:
        """contacts.csv, sorted by (contact_type, source_ref), written in chunks (bounded memory)."""
        if not len(con):
            write_csv(pd.DataFrame(columns=["contact_type", "source_ref"]), path)
            return
        scores = {}
        for survey, name in ((0, "csat_score"), (1, "nps_score")):
            col = np.full(len(con), np.nan)
            if len(resp):
                c = resp[resp["is_counting"] & (resp["survey"] == survey)]
                col[c["contact"].to_numpy()] = c["score"].to_numpy()
            scores[name] = col
        order = np.lexsort((con["source_ref"].to_numpy(), con["kind"].to_numpy()))
        writer = None
        try:
            for i in range(0, len(order), self.CONTACT_CHUNK):
                idx = order[i:i + self.CONTACT_CHUNK]
                table = self._contact_table(con.iloc[idx], {k: v[idx] for k, v in scores.items()})
                if writer is None:
                    writer = pcsv.CSVWriter(path, table.schema, write_options=pcsv.WriteOptions(quoting_style="needed"))
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    def _contact_table(self, con: pd.DataFrame, scores: dict[str, np.ndarray]) -> pa.Table:
        """One chunk of contacts.csv as an Arrow table (no Python string objects)."""
        r = self.world.render
        kind = con["kind"].to_numpy()
        is_call = pa.array(kind == 0)
        src = con["source_ref"].to_numpy()
        tid = con["ticket_id"].to_numpy()
        qv = con["queue"].to_numpy().astype(np.int64)
        cust = con["customer"].to_numpy().astype(np.int64)
        owner = con["owner"].to_numpy().astype(np.int64)
        labels = pa.array(["phone", *CHAT_CHANNELS])
        handled = con["is_handled"].to_numpy()
        cols: dict[str, Any] = {
            "contact_type": pc.if_else(is_call, "call", "chat"),
            "channel": labels.take(pa.array(np.where(kind == 0, 0, np.clip(con["channel"].to_numpy(), 1, 3)))),
            "source_ref": pc.if_else(is_call, r.dayid_str(src, "C"), r.dayid_str(src, "M")),
            "customer_id": r.ident(np.where(cust > 0, cust, NULL), "CU", 7),
            "owner_agent_id": r.ident(np.where(owner > 0, owner, NULL), "A", 4),
            "queue": pa.array(QUEUES).take(pa.array(np.maximum(qv, 0), mask=qv < 0)),
            "activity_date": ff.from_matrix(ff.date_matrix(self.world.start_daynum + con["day"].to_numpy())),
            "started_at": ff.from_matrix(ff.timestamp_matrix(con["started_at"].to_numpy(), " ", "")),
            "ended_at": ff.from_matrix(ff.timestamp_matrix(con["ended_at"].to_numpy(), " ", "")),
            "is_handled": pa.array(handled),
            "ticket_id": r.dayid_str(tid, "T"),
            "is_complaint": pa.array(con["is_complaint"].to_numpy()),
            "is_presales": pa.array(con["is_presales"].to_numpy()),
            "wait_s": pa.array(con["wait_s"].to_numpy(), from_pandas=True),
            "handle_s": pa.array(np.where(handled, con["handle_s"].to_numpy(), np.nan), from_pandas=True),
            "first_response_s": pa.array(con["first_response_s"].to_numpy(), from_pandas=True),
            "is_fcr": pa.array(con["is_fcr"].to_numpy(), mask=~con["fcr_eligible"].to_numpy()),
            "is_repeat": pa.array(con["is_repeat"].to_numpy(), mask=~con["fcr_eligible"].to_numpy()),
        }
        for name, col in scores.items():
            cols[name] = pa.array(col, from_pandas=True)
        cat = con["category"].to_numpy()
        cols["category"] = pa.array(CATEGORIES).take(pa.array(np.maximum(cat, 0), mask=tid == NULL))
        return pa.table(cols)


def write_csv(df: pd.DataFrame | pa.Table, path: Path) -> None:
    """Ground-truth CSV: header row, null = empty field, written by Arrow (fast and deterministic)."""
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata(None)
    pcsv.write_csv(table, path, pcsv.WriteOptions(quoting_style="needed"))

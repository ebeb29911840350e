"""CRM and survey rows derived from the day's contacts: tickets (CDC versions),
orders (pre-sales contacts followed by paid orders), survey responses, QA
evaluations; plus the agent roster and customer base with their versions.

Every frame carries `_file_day`: the reporting day of the file the row is
written into (the day its version or event happened). Rows dated after the
simulated period are not exported (they have not happened yet).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ccw.simulator.contacts import Contacts
from ccw.simulator.fastfmt import phones as phone_shapes
from ccw.simulator.frame import DAY_SEQ, Frame, concat, take
from ccw.simulator.schema import NULL
from ccw.simulator.world import (
    CITIES,
    DAY_S,
    FIRST,
    HOUR_S,
    LAST,
    S_CRM,
    S_QA,
    S_ROSTER,
    S_SURVEY,
    SITE_TZ,
    SITES,
    World,
)

ST_NEW, ST_OPEN, ST_PENDING, ST_SOLVED, ST_CLOSED = range(5)
O_CREATED, O_PAID, O_CANCELLED, O_REFUNDED = range(4)
COMMENTS = (
    "Quick and helpful, thanks!",
    "Waited too long, \"very\" annoying",
    "Agent was polite, but the issue is not solved",
    "please call me back on 13800138000",
    "ok",
    "Great service.\nWill buy again",
    "不满意, 等了很久",
)


def _finish(frame: Frame, world: World, ts_col: str) -> Frame:
    """Attach `_file_day` from a timestamp column and drop rows dated after the period."""
    fd = world.day_of(frame[ts_col])
    keep = np.flatnonzero(frame[ts_col] < world.end_utc)
    frame["_file_day"] = fd
    return take(frame, keep)


# -- tickets ---------------------------------------------------------------------------------------

def tickets(world: World, d: int, c: Contacts) -> Frame:
    rng = world.rng(S_CRM, d, 1)
    idx = np.flatnonzero(c.ticket_id != NULL)
    tid = c.ticket_id[idx]
    cust = c.customer[idx]
    chan = np.where(c.kind[idx] == 0, 0, 1)
    cat = c.category[idx]
    comp = c.is_complaint[idx].astype(np.int64)
    assignee = c.owner[idx]
    created = c.ticket_at[idx]
    # e-mail tickets that never came through a contact
    k = int(rng.poisson(0.4 * world.cfg.agents * world.volume_factor(d)))
    e_agent = rng.choice(np.flatnonzero(world.roster.active), k) + 1
    tid = np.concatenate([tid, d * DAY_SEQ + 4_000_000 + np.arange(k)])
    cust = np.concatenate([cust, world.pick_customers(rng, k, d, np.zeros(0, dtype=np.int64))])
    chan = np.concatenate([chan, np.full(k, 2)])
    cat = np.concatenate([cat, rng.choice(3, k, p=[0.2, 0.3, 0.5])])
    comp = np.concatenate([comp, (rng.random(k) < 0.1).astype(np.int64)])
    assignee = np.concatenate([assignee, np.where(rng.random(k) < 0.9, e_agent, -1)])
    created = np.concatenate([created, world.day_start(d) + rng.integers(0, DAY_S, k)])
    n = len(tid)
    prio = rng.choice(4, n, p=[0.2, 0.55, 0.2, 0.05])
    prio = np.where(comp == 1, np.maximum(prio, 2), prio)
    assignee = np.where(assignee > 0, assignee, NULL)

    def version(sel, status, updated, solved, reopen) -> Frame:
        return {
            "ticket_id": tid[sel], "customer_id": cust[sel], "channel": chan[sel], "category": cat[sel],
            "is_complaint": comp[sel], "priority": prio[sel], "status": np.full(len(sel), status),
            "assignee_agent_id": assignee[sel], "created_at": created[sel], "solved_at": solved,
            "reopen_count": np.full(len(sel), reopen), "updated_at": updated,
        }

    everyone = np.arange(n)
    nulls = np.full(n, NULL)
    parts = [version(everyone, ST_NEW, created, nulls, 0)]
    t_open = created + rng.integers(60, 3600, n)
    parts.append(version(everyone, ST_OPEN, t_open, nulls, 0))
    last = t_open.copy()
    pend = np.flatnonzero(rng.random(n) < 0.3)
    last[pend] += rng.integers(HOUR_S, DAY_S, len(pend))
    parts.append(version(pend, ST_PENDING, last[pend], nulls[pend], 0))
    solved = np.flatnonzero(rng.random(n) < 0.8)
    s1 = np.maximum(last[solved] + 60, created[solved] + (rng.exponential(30 * HOUR_S, len(solved)) + 600).astype(np.int64))
    parts.append(version(solved, ST_SOLVED, s1, s1, 0))
    reo = rng.random(len(solved)) < 0.08
    r_sel, r_t = solved[reo], s1[reo] + rng.integers(HOUR_S, 3 * DAY_S, int(reo.sum()))
    parts.append(version(r_sel, ST_OPEN, r_t, s1[reo], 1))
    again = rng.random(len(r_sel)) < 0.7
    s2 = r_t[again] + rng.integers(HOUR_S, 2 * DAY_S, int(again.sum()))
    parts.append(version(r_sel[again], ST_SOLVED, s2, s2, 1))
    # closed: tickets whose final state is solved
    fin_sel = np.concatenate([solved[~reo], r_sel[again]])
    fin_t = np.concatenate([s1[~reo], s2])
    fin_re = np.concatenate([np.zeros(int((~reo).sum()), dtype=np.int64), np.ones(int(again.sum()), dtype=np.int64)])
    cl = rng.random(len(fin_sel)) < 0.6
    ct = fin_t[cl] + rng.integers(2 * DAY_S, 5 * DAY_S, int(cl.sum()))
    v = version(fin_sel[cl], ST_CLOSED, ct, fin_t[cl], 0)
    v["reopen_count"] = fin_re[cl]
    parts.append(v)
    return _finish(concat(parts), world, "updated_at")


# -- orders ----------------------------------------------------------------------------------------

def orders(world: World, d: int, c: Contacts) -> Frame:
    rng = world.rng(S_CRM, d, 2)
    pre = np.flatnonzero((c.category == 0) & c.is_handled & (c.customer > 0))
    buy = pre[rng.random(len(pre)) < 0.4]
    created = c.ended_at[buy] + rng.integers(600, 4 * DAY_S, len(buy))
    cust = c.customer[buy]
    k = int(rng.poisson(1.5 * world.cfg.agents * world.volume_factor(d)))
    created = np.concatenate([created, world.day_start(d) + rng.integers(0, DAY_S, k)])
    cust = np.concatenate([cust, world.pick_customers(rng, k, d, np.zeros(0, dtype=np.int64))])
    n = len(created)
    oid = d * DAY_SEQ + np.arange(n)
    items = rng.integers(1, 5, n)
    amount = np.round(items * rng.uniform(29, 899, n), 2)
    paid = rng.random(n) < 0.85
    paid_at = np.where(paid, created + rng.integers(60, 6 * HOUR_S, n), NULL)

    def version(sel, status, updated, p_at) -> Frame:
        return {"order_id": oid[sel], "customer_id": cust[sel], "created_at": created[sel], "paid_at": p_at,
                "amount": amount[sel], "item_count": items[sel], "status": np.full(len(sel), status), "updated_at": updated}

    allr = np.arange(n)
    parts = [version(allr, O_CREATED, created, np.full(n, NULL))]
    ps = np.flatnonzero(paid)
    parts.append(version(ps, O_PAID, paid_at[ps], paid_at[ps]))
    un = np.flatnonzero(~paid & (rng.random(n) < 0.5))
    parts.append(version(un, O_CANCELLED, created[un] + rng.integers(HOUR_S, 2 * DAY_S, len(un)), np.full(len(un), NULL)))
    rf = ps[rng.random(len(ps)) < 0.04]
    parts.append(version(rf, O_REFUNDED, paid_at[rf] + rng.integers(DAY_S, 10 * DAY_S, len(rf)), paid_at[rf]))
    return _finish(concat(parts), world, "updated_at")


# -- surveys ---------------------------------------------------------------------------------------

def responses(world: World, d: int, c: Contacts, orphan_rate: float) -> Frame:
    rng = world.rng(S_SURVEY, d)
    ok = c.is_handled & (c.customer > 0)
    parts = []
    seq = 0
    for survey, p in ((0, 0.2), (1, 0.09)):
        sel = np.flatnonzero(ok & (rng.random(len(c)) < p))
        m = len(sel)
        delay = np.where(c.kind[sel] == 0, c.wait_s[sel], c.first_response_s[sel])
        delay = np.nan_to_num(delay, nan=30.0)
        if survey == 0:
            mean = 4.6 - 0.9 * np.minimum(delay, 600) / 300 - 0.25 * c.transfers[sel]
            score = np.clip(np.round(mean + rng.normal(0, 0.7, m)), 1, 5)
        else:
            mean = 8.8 - 1.6 * np.minimum(delay, 600) / 300 - 0.5 * c.transfers[sel]
            score = np.clip(np.round(mean + rng.normal(0, 1.4, m)), 0, 10)
        u = rng.random(m)
        is_call = c.kind[sel] == 0
        call_id = np.where(is_call & (u < 0.6), c.qa_ref[sel], np.where(is_call & (u < 0.85), c.source_ref[sel], NULL))
        sent = c.ended_at[sel] + rng.integers(60, 900, m)
        parts.append({
            "response_id": d * DAY_SEQ + seq + np.arange(m), "customer_id": c.customer[sel],
            "survey": np.full(m, survey), "channel": np.where(is_call, 0, 1), "call_id": call_id,
            "ticket_id": np.where(rng.random(m) < 0.7, c.ticket_id[sel], NULL), "sent_at": sent,
            "responded_at": sent + 30 + np.minimum(rng.exponential(3 * HOUR_S, m), 2 * DAY_S).astype(np.int64),
            "score": score.astype(np.int64), "_comment": rng.integers(-len(COMMENTS) * 3, len(COMMENTS), m),
        })
        seq += m
    n_valid = seq
    k = int(rng.binomial(max(n_valid, 1), orphan_rate)) if orphan_rate > 0 else 0
    if orphan_rate > 0 and d == 0:
        k = max(k, 1)  # at least one per run
    sv = rng.integers(0, 2, k)
    sent = world.day_start(d) + rng.integers(0, DAY_S - 3600, k)
    parts.append({
        "response_id": d * DAY_SEQ + 9_000_000 + np.arange(k),
        "customer_id": world.customers_before(d) - rng.integers(0, world.new_customers_per_day, k),
        "survey": sv, "channel": rng.integers(0, 2, k),
        "call_id": np.where(rng.random(k) < 0.5, d * DAY_SEQ + 9_500_000 + np.arange(k), NULL),
        "ticket_id": np.full(k, NULL), "sent_at": sent, "responded_at": sent + rng.integers(60, 3600, k),
        "score": np.where(sv == 0, rng.integers(1, 6, k), rng.integers(0, 11, k)),
        "_comment": np.full(k, -1),
    })
    f = concat(parts)
    com = f.pop("_comment")
    labels = pa.array(COMMENTS, type=pa.string())
    f["comment"] = pc.if_else(pa.array(com >= 0), labels.take(pa.array(np.maximum(com, 0))), pa.scalar(None, pa.string()))
    f["_orphan"] = np.concatenate([np.zeros(n_valid, dtype=bool), np.ones(k, dtype=bool)])
    return _finish(f, world, "responded_at")


# -- QA --------------------------------------------------------------------------------------------

def qa_evaluations(world: World, d: int, c: Contacts, orphan_rate: float) -> Frame:
    rng = world.rng(S_QA, d)
    cand = np.flatnonzero(c.is_handled & (c.qa_ref != NULL) & (c.owner > 0))
    n = min(len(cand), int(rng.poisson(0.3 * world.cfg.agents * world.volume_factor(d))))
    sel = np.sort(rng.choice(cand, n, replace=False)) if n else cand[:0]
    active = np.flatnonzero(world.roster.active) + 1
    k = int(rng.binomial(max(n, 1), orphan_rate)) if orphan_rate > 0 else 0
    if orphan_rate > 0 and d == 0:
        k = max(k, 1)  # at least one per run
    agent = np.concatenate([c.owner[sel], rng.choice(active, k)])
    kind = np.concatenate([c.qa_kind[sel], rng.integers(0, 2, k)])
    ref = np.concatenate([c.qa_ref[sel], d * DAY_SEQ + 9_700_000 + np.arange(k)])
    ended = np.concatenate([c.ended_at[sel], world.day_start(d) + rng.integers(0, DAY_S, k)])
    m = n + k
    evaluator = rng.choice(active, m)
    evaluator = np.where(evaluator == agent, active[(np.searchsorted(active, evaluator) + 1) % len(active)], evaluator)
    r = world.render
    ref_txt = pc.if_else(pa.array(kind == 0), r.dayid_str(ref, "C"), r.dayid_str(ref, "M"))
    f: Frame = {
        "evaluation_id": d * DAY_SEQ + np.arange(m), "agent_id": agent, "evaluator_id": evaluator,
        "channel": kind, "contact_ref": ref_txt,
        "evaluated_at": ended + rng.integers(2 * HOUR_S, 4 * DAY_S, m),
        "score": np.clip(np.round(rng.normal(84, 8, m) * 2) / 2, 0, 100),
        "_orphan": np.concatenate([np.zeros(n, dtype=bool), np.ones(k, dtype=bool)]),
    }
    return _finish(f, world, "evaluated_at")


# -- roster and customers -------------------------------------------------------------------------

class RosterPlan:
    """Agent versions: the initial export, team changes and extra versions, by day."""

    def __init__(self, world: World, extra_rate: float):
        r = world.roster
        rng = world.rng(S_ROSTER, -1, 7)
        self.world = world
        days = world.days
        act = np.flatnonzero(r.active)
        n_change = max(1, int(round(0.1 * len(act)))) if days > 1 else 0
        ch = np.sort(rng.choice(act, min(n_change, len(act)), replace=False))
        self.change_agent = ch
        self.change_day = rng.integers(1, max(days, 2), len(ch))
        self.change_time = world.day_start(0) + self.change_day * DAY_S + rng.integers(0, DAY_S, len(ch))
        same_kind = [np.flatnonzero(np.array([n.startswith(r.team_names[r.team[a]][:4]) for n in r.team_names])) for a in ch]
        self.change_team = np.array([rng.choice(opts[opts != r.team[a]]) if (opts != r.team[a]).any() else r.team[a]
                                     for a, opts in zip(ch, same_kind, strict=True)], dtype=np.int64)
        k = max(1, int(round(extra_rate * r.n))) if extra_rate > 0 else 0
        self.extra_agent = rng.choice(act, k)
        self.extra_day = rng.integers(0, days, k)
        self.extra_time = world.day_start(0) + self.extra_day * DAY_S + rng.integers(0, DAY_S, k)

    def versions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(agent number, updated_at, team index) of every clean version: for team-as-of-day truth."""
        r = self.world.roster
        agents = [np.arange(1, r.n + 1), self.change_agent + 1]
        times = [r.first_updated, self.change_time]
        teams = [r.team.copy(), self.change_team]
        a = np.concatenate(agents)
        t = np.concatenate(times)
        tm = np.concatenate(teams)
        # extra versions repeat the team valid at their time
        ea, et = self.extra_agent + 1, self.extra_time
        eteam = np.array([tm[(a == x) & (t <= y)][np.argmax(t[(a == x) & (t <= y)])] for x, y in zip(ea, et, strict=True)], dtype=np.int64)
        return np.concatenate([a, ea]), np.concatenate([t, et]), np.concatenate([tm, eteam])

    def rows(self, d: int) -> Frame:
        w = self.world
        r = w.roster
        a_all, t_all, team_all = self.versions()
        n0 = r.n
        is_first = np.arange(len(a_all)) < n0
        vday = np.where(is_first, 0, w.day_of(t_all))
        sel = np.flatnonzero(vday == d)
        if not len(sel):
            return {}
        a = a_all[sel]
        ai = a - 1
        is_extra = sel >= n0 + len(self.change_agent)
        names = r.names[ai]
        email_name = np.char.lower(np.char.replace(names, " ", "."))
        email = np.char.add(np.char.add(email_name, np.char.mod("%d", a)), "@cc.example.com")
        email = np.where(is_extra, np.char.upper(email.astype(str)), email)  # the extra version: e-mail re-keyed
        team_names = np.array(r.team_names)
        return {
            "agent_id": a, "full_name": pa.array(names.tolist(), type=pa.string()),
            "email": pa.array(email.tolist(), type=pa.string()),
            "team": pa.array(team_names[team_all[sel]].tolist(), type=pa.string()),
            "site": pa.array(SITES[r.site[ai]].tolist(), type=pa.string()),
            "timezone": pa.array(SITE_TZ[r.site[ai]].tolist(), type=pa.string()),
            "hired_on": r.hired_day[ai], "left_on": r.left_day[ai], "updated_at": t_all[sel],
            "_file_day": np.full(len(sel), d),
        }


def customer_rows(world: World, d: int, extra_rate: float) -> Frame:
    rng = world.rng(S_CRM, d, 3)
    lo = 0 if d == 0 else world.customers_before(d)
    hi = world.customers_before(d + 1) if d < world.days - 1 else world.n_customers_total
    ids = np.arange(lo + 1, hi + 1)
    created = world.cust_created[ids - 1]
    updated = created.copy()
    city = world.cust_city[ids - 1]
    seg = world.cust_segment[ids - 1]
    # extra versions: an existing customer exported again later today (new city or segment; phone kept)
    base = max(len(ids) if d else world.new_customers_per_day, world.n_base_customers // max(world.days, 1))
    k = int(rng.binomial(base, extra_rate)) if extra_rate > 0 else 0
    if extra_rate > 0:
        k = max(k, 1)
    ex = rng.integers(1, max(world.customers_before(d), 2), k)
    ex_t = np.maximum(world.day_start(d) + rng.integers(0, DAY_S, k), world.cust_created[ex - 1] + 60)
    ids = np.concatenate([ids, ex])
    created = np.concatenate([created, world.cust_created[ex - 1]])
    updated = np.concatenate([updated, ex_t])
    city = np.concatenate([city, (world.cust_city[ex - 1] + 1 + rng.integers(0, 3, k)) % len(CITIES)])
    seg = np.concatenate([seg, 1 - world.cust_segment[ex - 1]])
    first = pa.array(FIRST).take(pa.array(world.cust_first[ids - 1]))
    last = pa.array(LAST).take(pa.array(world.cust_last[ids - 1]))
    email = pc.utf8_lower(pc.binary_join_element_wise(first, ".", last, pa.array(ids).cast(pa.string()), "@mail.example", ""))
    return {
        "customer_id": ids, "full_name": pc.binary_join_element_wise(first, last, " "), "email": email,
        "phone": phone_shapes(world.customer_phone(ids), rng.integers(0, 4, len(ids))),
        "city": pa.array(CITIES).take(pa.array(city)), "segment": seg, "created_at": created, "updated_at": updated,
        "_file_day": np.full(len(ids), d),
    }

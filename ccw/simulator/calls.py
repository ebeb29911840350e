"""Telephony: inbound calls through queues, abandons, voicemail, transfers
(legs sharing a root_call_id) and outbound calls.

Waits follow the queue a real centre runs: each hour is staffed from the
day's arrival forecast with Erlang C (80 % of calls within 20 s, the
forecast being the hour's expected arrivals), with realistic error (a
little noise per day and hour, some days with absences, some with a demand
spike the forecast missed), and a call waits as in an M/M/N queue with those
agents and the hour's actual arrivals: no wait with probability 1 - C(N, a),
else an exponential wait of mean AHT / (N - a); an overloaded hour (N <= a)
queues for minutes. Callers abandon when their patience runs out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ccw.simulator.contacts import CH_PHONE, Contacts, assign_tickets, empty_contacts
from ccw.simulator.erlang import agents_required, erlang_c
from ccw.simulator.fastfmt import phones as phone_shapes
from ccw.simulator.frame import DAY_SEQ, Frame, concat
from ccw.simulator.schema import NULL, QUEUES
from ccw.simulator.world import CALL_HOURS, HOUR_S, S_CALLS, World

INBOUND_QUEUES = 5  # QUEUES[:5]; QUEUES[5] is "outbound"
OUTBOUND_Q = QUEUES.index("outbound")
SALES_Q = QUEUES.index("sales")
VIP_Q = QUEUES.index("vip")
D_ANSWERED, D_ABANDONED, D_TRANSFERRED, D_VOICEMAIL = 0, 1, 2, 3
AHT_S = 300.0  # mean talk (lognormal, median 210 s, sigma 0.65: 259 s) + mean ACW (50 s), rounded
SL_TARGET, SL_THRESHOLD_S = 0.8, 20
SPIKE_DAYS, SPIKE_FACTOR = 0.05, 1.4  # days whose demand the forecast missed
ABSENCE_DAYS, ABSENCE_FACTOR = 0.05, 0.7  # days with many agents off sick


@dataclass
class Legs:
    """One generation of legs (all roots, or all first transfers, ...)."""

    contact: np.ndarray  # contact index
    queue: np.ndarray
    agent: np.ndarray  # -1 none
    enq: np.ndarray
    ans: np.ndarray  # NULL if not answered
    end: np.ndarray
    hold: np.ndarray
    acw: np.ndarray
    disp: np.ndarray
    seq: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # set once all generations exist


def _talk(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(210), 0.65, n), 15, 3600).astype(np.int64)


def staffing(rng: np.random.Generator, forecast_h: np.ndarray, arrivals_h: np.ndarray, absent: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per hour: the probability a call waits and the mean wait of those that do (s), for agents
    staffed by Erlang C from the forecast (with noise) facing the actual arrivals."""
    day_noise = rng.lognormal(0.0, 0.07)
    hour_noise = rng.lognormal(0.0, 0.12, 24)
    p_wait = np.zeros(24)
    mean_wait = np.zeros(24)
    for h in range(24):
        planned = agents_required(forecast_h[h] * AHT_S / HOUR_S, SL_TARGET, SL_THRESHOLD_S, AHT_S)
        agents = max(1, round(planned * day_noise * hour_noise[h] * absent))
        traffic = arrivals_h[h] * AHT_S / HOUR_S
        if agents > traffic:
            p_wait[h] = erlang_c(agents, traffic)
            mean_wait[h] = AHT_S / (agents - traffic)
        else:  # overloaded: everyone queues, for minutes
            p_wait[h] = 1.0
            mean_wait[h] = 120.0 * traffic / agents
    return p_wait, mean_wait


def _serve(rng: np.random.Generator, world: World, duty: tuple[np.ndarray, np.ndarray, np.ndarray], d: int,
           contact: np.ndarray, queue: np.ndarray, enq: np.ndarray, p_wait: np.ndarray, mean_wait: np.ndarray,
           staffed: np.ndarray, patience: np.ndarray) -> Legs:
    """Legs entering queues at `enq`: answered when the wait beats the caller's patience, else
    abandoned (or voicemail after 3 minutes); answered legs get an agent on duty, talk, hold and ACW.
    An hour without an agent on duty is closed: its callers leave a voicemail (a callback)."""
    n = len(enq)
    ring = rng.uniform(2, 8, n)  # IVR and ringing before an agent picks up
    queued = rng.random(n) < p_wait
    wait = np.where(staffed, ring + np.where(queued, rng.exponential(1.0, n) * mean_wait, 0.0), np.inf)
    answered = wait <= patience
    voicemail = ~answered & (((patience > 180) & (wait > 180)) | ~staffed)
    wait_i = np.where(answered, np.floor(np.minimum(wait, 1e7)), 0).astype(np.int64)
    ans = np.where(answered, enq + wait_i, NULL)
    hour = np.clip((enq - world.day_start(d)) // HOUR_S, 0, 23)  # staffed hour (checked by the caller)
    agent = np.where(answered, world.pick_agent(duty, hour, rng.random(n)), -1)
    answered &= agent >= 0
    ans = np.where(answered, ans, NULL)
    talk = _talk(rng, n)
    closed_vm = enq + rng.integers(20, 60, n)  # the closed-hours message, then the caller's voicemail
    end = np.where(answered, ans + talk,
                   np.where(voicemail, np.where(staffed, enq + 180 + rng.integers(10, 60, n), closed_vm),
                            enq + np.floor(np.minimum(patience, 1e7)).astype(np.int64)))
    has_hold = answered & (rng.random(n) < 0.25)
    hold = np.where(has_hold, (rng.random(n) * 0.4 * talk).astype(np.int64) + 3, 0)
    hold = np.minimum(hold, talk)
    acw = np.where(answered, rng.integers(10, 90, n), 0)
    disp = np.where(answered, D_ANSWERED, np.where(voicemail, D_VOICEMAIL, D_ABANDONED))
    return Legs(contact, queue, agent, enq, ans, end, hold, acw, disp)


def generate_calls(world: World, d: int, recent: np.ndarray) -> tuple[Frame, Contacts]:
    """One day of call legs (inbound with transfers, then outbound) and the day's call contacts."""
    cfg = world.cfg
    rng = world.rng(S_CALLS, d)
    day0 = world.day_start(d)
    vol = cfg.calls_per_agent_day * cfg.agents * world.volume_factor(d)
    forecast_h = vol * 0.82 * CALL_HOURS  # expected inbound arrivals per hour: what the plan staffs for
    spike = SPIKE_FACTOR if rng.random() < SPIKE_DAYS else 1.0
    n = int(rng.poisson(vol * 0.82 * spike))
    duty = world.on_duty(d, voice=True)
    staff = duty[2]

    # arrivals by hour of the local day, in time order
    hour = np.sort(rng.choice(24, n, p=CALL_HOURS))
    enq = day0 + hour * HOUR_S + rng.integers(0, HOUR_S, n)
    order = np.argsort(enq, kind="stable")
    enq, hour = enq[order], hour[order]

    # customers: known (matched by phone later) or unknown numbers
    known = rng.random(n) < 0.92
    cust = np.where(known, world.pick_customers(rng, n, d, recent), -1)
    seg_vip = np.zeros(n, dtype=bool)
    seg_vip[known] = world.cust_segment[cust[known] - 1] == 0
    queue = rng.choice(INBOUND_QUEUES, n, p=[0.36, 0.2, 0.2, 0.17, 0.07])
    queue = np.where(seg_vip & (rng.random(n) < 0.7), VIP_Q, queue)

    # staffing from the forecast (Erlang C), the day's actual arrivals per hour
    arr_h = np.bincount(hour, minlength=24)
    absent = ABSENCE_FACTOR if rng.random() < ABSENCE_DAYS else 1.0
    p_wait, mean_wait = staffing(rng, forecast_h, arr_h, absent)
    # 3 % hang up within seconds (short abandons); the others wait minutes before they give up
    patience = np.where(rng.random(n) < 0.03, rng.uniform(0, 5, n), rng.exponential(450, n) + 10)
    roots = _serve(rng, world, duty, d, np.arange(n), queue, enq, p_wait[hour], mean_wait[hour], staff[hour] > 0,
                   patience)

    # transfers: an answered leg is handed to another queue; the new leg's root is the first leg
    gens = [roots]
    parent = roots
    for p_transfer in (0.09, 0.12):
        t = np.flatnonzero((parent.ans != NULL) & (rng.random(len(parent.enq)) < p_transfer))
        if not len(t):
            break
        parent.disp[t] = D_TRANSFERRED
        m = len(t)
        cq = (parent.queue[t] + 1 + rng.integers(0, INBOUND_QUEUES - 1, m)) % INBOUND_QUEUES
        cenq = parent.end[t] + rng.integers(0, 6, m)
        ch = np.clip((cenq - day0) // HOUR_S, 0, 23)
        child = _serve(rng, world, duty, d, parent.contact[t], cq, cenq, p_wait[ch], mean_wait[ch], staff[ch] > 0,
                       rng.exponential(450, m) + 10)
        gens.append(child)
        parent = child

    # sequence numbers: roots first, then each transfer generation
    seq0 = 0
    for g in gens:
        g.seq = seq0 + np.arange(len(g.enq))
        seq0 += len(g.enq)

    c = empty_contacts(n)
    c.kind[:] = 0
    c.channel[:] = CH_PHONE
    c.source_ref[:] = d * DAY_SEQ + roots.seq
    c.customer[:] = cust
    c.queue[:] = queue
    c.started_at[:] = enq
    last_leg_gen = np.full(n, -1)
    last_leg_pos = np.full(n, -1)
    for gi, g in enumerate(gens):
        np.maximum.at(c.ended_at, g.contact, g.end)
        a = g.ans != NULL
        ca = g.contact[a]
        c.is_handled[ca] = True
        c.owner[ca] = g.agent[a] + 1  # later generations overwrite: owner = agent of the last answered leg
        last_leg_gen[ca] = gi
        last_leg_pos[ca] = np.flatnonzero(a)
        np.add.at(c.handle_s, ca, (g.end[a] - g.ans[a] + g.acw[a]).astype(float))
        if gi:
            np.add.at(c.transfers, g.contact, 1)
    for g in reversed(gens):  # first answered leg's wait wins
        a = g.ans != NULL
        c.wait_s[g.contact[a]] = (g.ans[a] - g.enq[a]).astype(float)

    # the last answered leg carries the ticket (if any) and is what QA evaluates
    last_seq = np.full(n, -1)
    last_ans = np.full(n, NULL)
    for gi, g in enumerate(gens):
        sel = np.flatnonzero(last_leg_gen == gi)
        last_seq[sel] = g.seq[last_leg_pos[sel]]
        last_ans[sel] = g.ans[last_leg_pos[sel]]
    c.qa_ref[:] = np.where(last_seq >= 0, d * DAY_SEQ + last_seq, NULL)
    t_time = np.where(last_ans != NULL, last_ans, enq) + rng.integers(20, 240, n)
    presales = np.where(queue == SALES_Q, 0.75, 0.06)
    tix = assign_tickets(rng, c, d, 0, 0.3, presales, t_time)
    leg_ticket = [np.full(len(g.enq), NULL) for g in gens]
    for gi, _gen in enumerate(gens):
        sel = tix[last_leg_gen[tix] == gi]
        leg_ticket[gi][last_leg_pos[sel]] = c.ticket_id[sel]

    # caller numbers: one shape per contact
    digits = np.where(cust > 0, world.customer_phone(np.where(cust > 0, cust, 1)), 17 * 10**9 + rng.integers(0, 10**9, n))
    number = phone_shapes(digits, rng.integers(0, 4, n))

    frames = []
    for gi, g in enumerate(gens):
        frames.append({
            "call_id": d * DAY_SEQ + g.seq,
            "root_call_id": np.full(len(g.enq), NULL) if gi == 0 else d * DAY_SEQ + roots.seq[g.contact],
            "direction": np.zeros(len(g.enq), dtype=np.int64),
            "caller_number": number.take(pa.array(g.contact)),
            "queue": g.queue,
            "agent_id": np.where(g.agent >= 0, g.agent + 1, NULL),
            "enqueued_at": g.enq, "answered_at": g.ans, "ended_at": g.end,
            "hold_s": g.hold, "acw_s": g.acw, "disposition": g.disp, "ticket_id": leg_ticket[gi],
        })

    # outbound calls dialled by agents on duty
    m = int(rng.poisson(vol * 0.12))
    oh = rng.choice(24, m, p=CALL_HOURS)
    oagent = world.pick_agent(duty, oh, rng.random(m))
    ok = oagent >= 0
    oh, oagent = oh[ok], oagent[ok]
    m = len(oh)
    oenq = day0 + oh * HOUR_S + rng.integers(0, HOUR_S, m)
    o = np.argsort(oenq, kind="stable")
    oenq, oagent = oenq[o], oagent[o]
    ocust = world.pick_customers(rng, m, d, recent)
    picked = rng.random(m) < 0.6
    oans = np.where(picked, oenq + rng.integers(5, 25, m), NULL)
    oend = np.where(picked, oans + _talk(rng, m), oenq + rng.integers(20, 45, m))
    frames.append({
        "call_id": d * DAY_SEQ + seq0 + np.arange(m),
        "root_call_id": np.full(m, NULL),
        "direction": np.ones(m, dtype=np.int64),
        "caller_number": phone_shapes(world.customer_phone(ocust), rng.integers(0, 4, m)),
        "queue": np.full(m, OUTBOUND_Q),
        "agent_id": oagent + 1,
        "enqueued_at": oenq, "answered_at": oans, "ended_at": oend,
        "hold_s": np.zeros(m, dtype=np.int64), "acw_s": np.where(picked, rng.integers(5, 60, m), 0),
        "disposition": np.where(picked, D_ANSWERED, D_VOICEMAIL), "ticket_id": np.full(m, NULL),
    })
    return concat(frames), c

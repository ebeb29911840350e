"""Messaging: conversations with bots, several customer messages in a row,
assignments, agent replies, transfers between agents, closes and customers
who come back after a gap of more than 30 minutes.

The generator knows which conversation each event belongs to; it keeps every
gap inside a conversation <= 30 minutes (strictly increasing times) and makes
a customer's next conversation on the same channel start more than 30 minutes
after the previous one ended, so that the spec's sessionisation finds exactly
the generated conversations.
"""

from __future__ import annotations

import numpy as np

from ccw.simulator.contacts import CH_WEB, Contacts, assign_tickets, empty_contacts
from ccw.simulator.frame import DAY_SEQ, Frame
from ccw.simulator.schema import NULL
from ccw.simulator.world import CHAT_HOURS, HOUR_S, S_CHATS, World

SESSION_GAP_S = 1800
MAX_GAP_S = 1790  # inside a conversation
SND_CUSTOMER, SND_AGENT, SND_BOT, SND_SYSTEM = 0, 1, 2, 3
EV_MESSAGE, EV_ASSIGN, EV_CLOSE = 0, 1, 2


def _seg_start(lengths: np.ndarray) -> np.ndarray:
    """Start offset of each segment of the given lengths."""
    if len(lengths) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _build(rng: np.random.Generator, world: World, d: int, duty, t0: np.ndarray, mean_wait_h: np.ndarray,
           follow_up: bool) -> dict[str, np.ndarray]:
    """Events of len(t0) conversations starting at t0 (UTC). Returns event arrays + per-conversation arrays."""
    n = len(t0)
    day0 = world.day_start(d)
    hour = np.clip((t0 - day0) // HOUR_S, 0, 23)
    u = rng.random(n)
    # 0 handled, 1 no agent at all (bot only), 2 assigned but the agent never wrote
    ctype = np.where(u < 0.89, 0, np.where(u < 0.95, 1, 2))
    agent1 = world.pick_agent(duty, hour, rng.random(n))
    ctype = np.where((agent1 < 0) & (ctype != 1), 1, ctype)
    agent2 = world.pick_agent(duty, hour, rng.random(n))
    bot_open = (rng.random(n) < (0.1 if follow_up else 0.3)).astype(np.int64)
    close = (rng.random(n) < np.where(ctype == 0, 0.86, np.where(ctype == 1, 0.6, 0.9))).astype(np.int64)
    turns = np.where(ctype == 0, 1 + np.minimum(rng.poisson(0.9 if follow_up else 1.6, n), 6), 1)
    tx = np.where((ctype == 0) & (turns >= 2) & (rng.random(n) < 0.08) & (agent2 >= 0) & (agent2 != agent1),
                  1 + (rng.random(n) * (turns - 1)).astype(np.int64), 10**6)
    last_unanswered = (ctype == 0) & (turns >= 2) & (rng.random(n) < 0.35)

    # turn level
    nt = int(turns.sum())
    t_conv = np.repeat(np.arange(n), turns)
    t_j = np.arange(nt) - np.repeat(_seg_start(turns), turns)
    is_last = t_j == turns[t_conv] - 1
    c_n = 1 + (rng.random(nt) < 0.45) + (rng.random(nt) < 0.15)
    handled_t = ctype[t_conv] == 0
    a_n = np.where(handled_t, 1 + (rng.random(nt) < 0.3), 0)
    a_n = np.where(handled_t & is_last & last_unanswered[t_conv], 0, a_n)
    asg = ((t_j == 0) & (ctype[t_conv] != 1)) | (t_j == tx[t_conv])
    asg = asg & ~((t_j == tx[t_conv]) & (a_n == 0))
    bot_t = (t_j == 0) & (ctype[t_conv] == 1) & (rng.random(nt) < 0.7)
    len_t = c_n + asg + bot_t + a_n
    t_agent = np.where(t_j >= tx[t_conv], agent2[t_conv], agent1[t_conv])

    conv_len = bot_open + np.bincount(t_conv, weights=len_t, minlength=n).astype(np.int64) + close
    conv_start = _seg_start(conv_len)
    total = int(conv_len.sum())
    sender = np.full(total, SND_SYSTEM)
    event = np.full(total, EV_MESSAGE)
    agent = np.full(total, -1)
    conv = np.repeat(np.arange(n), conv_len)

    # prefix: bot greeting
    pb = conv_start[bot_open == 1]
    sender[pb] = SND_BOT
    # turns
    cs = _seg_start(len_t)
    first_turn = _seg_start(turns)
    within = cs - cs[first_turn][t_conv]
    ev_turn = np.repeat(np.arange(nt), len_t)
    pos = np.arange(len(ev_turn)) - np.repeat(cs, len_t)
    place = conv_start[t_conv][ev_turn] + bot_open[t_conv][ev_turn] + within[ev_turn] + pos
    c_e, asg_e, bot_e = c_n[ev_turn], asg[ev_turn], bot_t[ev_turn]
    k_cust = pos < c_e
    k_asg = asg_e & (pos == c_e)
    k_bot = bot_e & (pos == c_e + asg_e)
    k_agent = ~(k_cust | k_asg | k_bot)
    sender[place] = np.select([k_cust, k_asg, k_bot], [SND_CUSTOMER, SND_SYSTEM, SND_BOT], SND_AGENT)
    event[place] = np.where(k_asg, EV_ASSIGN, EV_MESSAGE)
    agent[place] = np.where(k_asg | k_agent, t_agent[ev_turn], -1)
    # suffix: close
    pc_ = (conv_start + conv_len - 1)[close == 1]
    event[pc_] = EV_CLOSE
    sender[pc_] = SND_SYSTEM

    # gaps by (previous event, this event)
    prev_s = np.concatenate([[SND_SYSTEM], sender[:-1]])
    prev_e = np.concatenate([[EV_MESSAGE], event[:-1]])
    m = total
    r = rng.random(m)
    cw = mean_wait_h[hour][conv]
    gap = np.select(
        [
            event == EV_CLOSE,
            event == EV_ASSIGN,
            (sender == SND_AGENT) & (prev_e == EV_ASSIGN),
            (sender == SND_AGENT) & (prev_s == SND_AGENT),
            sender == SND_AGENT,
            sender == SND_BOT,
            (sender == SND_CUSTOMER) & (prev_s == SND_CUSTOMER),
            (sender == SND_CUSTOMER) & (prev_s == SND_BOT),
        ],
        [
            30 + r * 570,
            2 + rng.exponential(1.0, m) * cw,
            3 + r * 20,
            5 + r * 35,
            np.where(r < 0.04, 300 + r * 20000, 5 + rng.exponential(35, m)),
            1 + r * 4,
            3 + r * 37,
            5 + r * 55,
        ],
        np.where(r < 0.06, 600 + r * 18000, 5 + rng.exponential(70, m)),  # customer after agent
    )
    gap = np.clip(gap, 1, MAX_GAP_S).astype(np.int64)
    gap[conv_start] = 0
    cum = np.cumsum(gap)
    t = t0[conv] + cum - cum[conv_start][conv]

    char = np.select([sender == SND_CUSTOMER, sender == SND_AGENT, sender == SND_BOT],
                     [rng.integers(2, 200, m), rng.integers(10, 400, m), rng.integers(20, 160, m)], 0)
    return {"conv": conv, "sender": sender, "event": event, "agent": agent, "t": t, "char": char,
            "start_idx": conv_start, "len": conv_len, "closed": close.astype(bool)}


def _summarise(ev: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Per-conversation measures by the spec's rules (owner, first response, handle time)."""
    conv, sender, event, agent, t = ev["conv"], ev["sender"], ev["event"], ev["agent"], ev["t"]
    start = t[ev["start_idx"]]
    end = t[ev["start_idx"] + ev["len"] - 1]
    msg = event == EV_MESSAGE
    am = msg & (sender == SND_AGENT)
    handled = np.bincount(conv[am], minlength=n) > 0
    # owner: most agent messages; tie -> whose first message came first
    owner = np.full(n, -1)
    if am.any():
        idx = np.flatnonzero(am)
        key = conv[idx] * 100000 + agent[idx]
        uk, first, cnt = np.unique(key, return_index=True, return_counts=True)
        kc, ka, kf = uk // 100000, uk % 100000, idx[first]
        o = np.lexsort((kf, -cnt, kc))
        kc, ka = kc[o], ka[o]
        head = np.concatenate([[True], kc[1:] != kc[:-1]])
        owner[kc[head]] = ka[head]
    # first response: only when the first message event is the customer's
    BIG = np.iinfo(np.int64).max
    first_msg_pos = np.full(n, BIG)
    np.minimum.at(first_msg_pos, conv[msg], np.flatnonzero(msg))
    first_agent_t = np.full(n, BIG)
    np.minimum.at(first_agent_t, conv[am], t[am])
    cm = msg & (sender == SND_CUSTOMER)
    first_cust_t = np.full(n, BIG)
    np.minimum.at(first_cust_t, conv[cm], t[cm])
    fm = np.where(first_msg_pos < BIG, first_msg_pos, 0)
    opened_by_customer = (first_msg_pos < BIG) & (sender[fm] == SND_CUSTOMER)
    has_fr = opened_by_customer & handled
    fr = np.where(has_fr, first_agent_t - first_cust_t, np.nan).astype(float)
    # handle: consecutive message events from the first agent message on, gaps capped at 300 s
    mi = np.flatnonzero(msg)
    handle = np.zeros(n)
    if len(mi) > 1:
        same = conv[mi[1:]] == conv[mi[:-1]]
        prev_t = t[mi[:-1]]
        cnv = conv[mi[1:]]
        ok = same & (prev_t >= first_agent_t[cnv])
        np.add.at(handle, cnv[ok], np.minimum(t[mi[1:]][ok] - prev_t[ok], 300).astype(float))
    return {"start": start, "end": end, "handled": handled, "owner": owner, "fr": fr, "handle": handle}


def generate_chats(world: World, d: int, recent: np.ndarray, last_end: np.ndarray) -> tuple[Frame, Contacts, dict[str, np.ndarray]]:
    """One day of chat events, the day's conversations and their assignments (conversation, agent, replied).

    `last_end[customer-1, channel]` carries the latest conversation end across days."""
    cfg = world.cfg
    rng = world.rng(S_CHATS, d)
    day0 = world.day_start(d)
    n = int(rng.poisson(cfg.chats_per_agent_day * cfg.agents * world.volume_factor(d) * 0.94))
    duty = world.on_duty(d, voice=False)
    hour = rng.choice(24, n, p=CHAT_HOURS)
    t0 = np.sort(day0 + hour * HOUR_S + rng.integers(0, HOUR_S, n))
    hour = (t0 - day0) // HOUR_S
    # routing wait per hour: staffed to the forecast, so a few seconds with some noise, and long on the
    # days the demand spikes (the same days as the calls' spikes are not needed: chats have their own)
    spike = 3.0 if rng.random() < 0.05 else 1.0
    mean_wait_h = np.clip((4 + 14 * rng.lognormal(0.0, 0.35, 24)) * spike, 2, 900)

    base = _build(rng, world, d, duty, t0, mean_wait_h, follow_up=False)
    bs = _summarise(base, n)
    channel = rng.choice(3, n, p=[0.45, 0.4, 0.15])
    cust = world.pick_customers(rng, n, d, recent)

    # customers coming back on the same channel after > 30 minutes (no close in between)
    fu_from = np.flatnonzero(~base["closed"] & bs["handled"] & (rng.random(n) < 0.25))
    fu_t0 = bs["end"][fu_from] + rng.integers(SESSION_GAP_S + 60, 4 * 3600, len(fu_from))
    fu = _build(rng, world, d, duty, fu_t0, mean_wait_h, follow_up=True)
    fs = _summarise(fu, len(fu_from))

    # stitch both sets: conversation index k over base then follow-ups
    N = n + len(fu_from)
    start = np.concatenate([bs["start"], fs["start"]])
    end = np.concatenate([bs["end"], fs["end"]])
    ch = np.concatenate([channel, channel[fu_from]])
    cu = np.concatenate([cust, cust[fu_from]])
    linked = np.concatenate([np.full(n, -1), fu_from])  # follow-up -> its base conversation

    # keep each customer's conversations on a channel apart (> 30 min, also across days)
    k_all = world.customers_before(d)
    keep = np.ones(N, dtype=bool)
    for _ in range(12):
        bad = _conflicts(cu, ch, start, end, linked, last_end, keep)
        if not bad.any():
            break
        movable = bad & (linked < 0)
        new = rng.integers(1, k_all + 1, int(movable.sum()))
        cu[movable] = new
        # follow-ups move with their base conversation
        fu_idx = np.flatnonzero(linked >= 0)
        cu[fu_idx] = cu[linked[fu_idx]]
        # a follow-up that itself conflicts is dropped
        keep &= ~(bad & (linked >= 0))
    else:
        keep &= ~_conflicts(cu, ch, start, end, linked, last_end, keep)
    keep &= ~((linked >= 0) & ~keep[np.maximum(linked, 0)])

    # events of kept conversations, in conversation order
    ev = {k: np.concatenate([base[k], fu[k]]) for k in ("sender", "event", "agent", "t", "char")}
    ev_conv = np.concatenate([base["conv"], fu["conv"] + n])
    kept_ev = keep[ev_conv]
    order = np.flatnonzero(kept_ev)
    remap = np.cumsum(keep) - 1
    ev = {k: v[order] for k, v in ev.items()}
    ev_conv = remap[ev_conv[order]]
    sel = np.flatnonzero(keep)
    M = len(sel)
    summ = {k: np.concatenate([bs[k], fs[k]])[sel] for k in ("start", "end", "handled", "owner", "fr", "handle")}
    ch, cu = ch[sel], cu[sel]
    m = len(ev_conv)
    conv_start = _seg_start(np.bincount(ev_conv, minlength=M))
    msg_id = d * DAY_SEQ + np.arange(m)

    c = empty_contacts(M)
    c.kind[:] = 1
    c.channel[:] = CH_WEB + ch
    c.source_ref[:] = msg_id[conv_start] if M else np.zeros(0, dtype=np.int64)
    c.customer[:] = cu
    c.owner[:] = np.where(summ["owner"] >= 0, summ["owner"] + 1, -1)
    c.started_at[:] = summ["start"]
    c.ended_at[:] = summ["end"]
    c.is_handled[:] = summ["handled"]
    c.first_response_s[:] = summ["fr"]
    c.handle_s[:] = summ["handle"]
    am = (ev["sender"] == SND_AGENT) & (ev["event"] == EV_MESSAGE)
    c.agent_messages[:] = np.bincount(ev_conv[am], minlength=M)
    c.customer_messages[:] = np.bincount(ev_conv[(ev["sender"] == SND_CUSTOMER) & (ev["event"] == EV_MESSAGE)], minlength=M)
    # assignments: (conversation, agent) of every assign event; replied = that agent wrote a message in it
    asg = ev["event"] == EV_ASSIGN
    akey = np.unique(ev_conv[asg] * 100_000 + ev["agent"][asg])
    wrote = np.unique(ev_conv[am] * 100_000 + ev["agent"][am])
    assignments = {"contact": akey // 100_000, "agent": akey % 100_000 + 1, "replied": np.isin(akey, wrote)}
    # ticket on the conversation's last agent message; QA refers to its first agent message
    am = (ev["sender"] == SND_AGENT) & (ev["event"] == EV_MESSAGE)
    last_am = np.full(M, -1)
    np.maximum.at(last_am, ev_conv[am], np.flatnonzero(am))
    first_am = np.full(M, m)
    np.minimum.at(first_am, ev_conv[am], np.flatnonzero(am))
    c.qa_ref[:] = np.where(first_am < m, msg_id[np.minimum(first_am, max(m - 1, 0))] if m else 0, NULL)
    c.qa_kind[:] = 1
    t_time = np.where(last_am >= 0, ev["t"][np.maximum(last_am, 0)] - 3, c.started_at) if m else c.started_at
    tix = assign_tickets(rng, c, d, 2_000_000, 0.28, np.full(M, 0.22), t_time)
    ticket = np.full(m, NULL)
    ticket[last_am[tix]] = c.ticket_id[tix]

    np.maximum.at(last_end, (cu - 1, ch), summ["end"])
    frame: Frame = {
        "message_id": msg_id,
        "channel": ch[ev_conv],
        "customer_id": cu[ev_conv],
        "sender_type": ev["sender"],
        "event": ev["event"],
        "agent_id": np.where(ev["agent"] >= 0, ev["agent"] + 1, NULL),
        "sent_at": ev["t"],
        "char_count": ev["char"].astype(np.int64),
        "ticket_id": ticket,
    }
    return frame, c, assignments


def _conflicts(cu, ch, start, end, linked, last_end, keep) -> np.ndarray:
    """Conversations that start within 30 minutes of the customer's previous one on the channel."""
    N = len(cu)
    bad = np.zeros(N, dtype=bool)
    idx = np.flatnonzero(keep)
    if not len(idx):
        return bad
    prior = last_end[cu[idx] - 1, ch[idx]]
    bad[idx] = start[idx] <= prior + SESSION_GAP_S
    o = idx[np.lexsort((start[idx], ch[idx], cu[idx]))]
    same = (cu[o][1:] == cu[o][:-1]) & (ch[o][1:] == ch[o][:-1])
    clash = same & (start[o][1:] <= end[o][:-1] + SESSION_GAP_S)
    bad[o[1:][clash]] = True
    return bad

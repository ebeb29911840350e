"""Workforce management: planned shifts (some cross midnight in Asia/Shanghai)
and agent state logs with late starts, breaks and absences."""

from __future__ import annotations

import numpy as np

from ccw.simulator.frame import Frame
from ccw.simulator.world import S_WFM, World

ST_AVAILABLE, ST_ON_CONTACT, ST_ACW, ST_BREAK, ST_OFFLINE = range(5)
SEGMENTS = 14
MIN_SEG_S = 60
LATE_GRACE_S = 300


def schedules(world: World, d: int) -> Frame:
    agent, start, end, _ = world.shifts(d)
    return {"agent_id": agent + 1, "shift_start": start, "shift_end": end, "_file_day": np.full(len(agent), d)}


def agent_states(world: World, d: int) -> Frame:
    rng = world.rng(S_WFM, d)
    agent, start, end, attends = world.shifts(d)
    a, s, e = agent[attends], start[attends], end[attends]
    n = len(a)
    late = rng.random(n) < 0.06
    s0 = s + np.where(late, rng.integers(LATE_GRACE_S + 1, 1500, n), rng.integers(-600, 240, n))
    e0 = e + rng.integers(-300, 900, n)
    span = e0 - s0 - SEGMENTS * MIN_SEG_S
    cuts = np.sort(rng.integers(0, span[:, None] + 1, (n, SEGMENTS - 1)), axis=1)
    starts = s0[:, None] + np.concatenate([np.zeros((n, 1), dtype=np.int64), cuts], axis=1) + np.arange(SEGMENTS) * MIN_SEG_S
    ends = np.concatenate([starts[:, 1:], e0[:, None]], axis=1)
    state = rng.choice(3, (n, SEGMENTS), p=[0.35, 0.45, 0.2])
    state[:, 0] = ST_AVAILABLE
    state[:, SEGMENTS // 2] = ST_BREAK
    state[:, SEGMENTS // 4] = np.where(rng.random(n) < 0.25, ST_BREAK, state[:, SEGMENTS // 4])
    off_end = e0 + rng.integers(60, 600, n)
    agents = np.repeat(a + 1, SEGMENTS + 1)
    st = np.concatenate([state, np.full((n, 1), ST_OFFLINE)], axis=1).ravel()
    sa = np.concatenate([starts, e0[:, None]], axis=1).ravel()
    ea = np.concatenate([ends, off_end[:, None]], axis=1).ravel()
    return {"agent_id": agents, "state": st, "started_at": sa, "ended_at": ea, "_file_day": np.full(len(st), d)}

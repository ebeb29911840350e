"""Erlang C (M/M/N queue): the probability a call waits, the service level and
the agents a load needs. The simulator staffs its call queues with it; the
warehouse computes the same formula in SQL (models/marts/fct_centre_interval.sql)
and both are checked against published tables in the tests.

    traffic a = arrivals x mean handle time / period (Erlangs)
    Erlang B(N, a) = (a^N / N!) / sum_{k=0..N} a^k / k!
    C(N, a) = N B / (N - a (1 - B))                      for N > a
    SL(N, a, T, H) = 1 - C(N, a) exp(-(N - a) T / H)
"""

from __future__ import annotations

import math


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability by the standard recursion B(n) = a B(n-1) / (n + a B(n-1))."""
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call waits; 1.0 when the agents cannot carry the traffic (N <= a)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, threshold_s: float, aht_s: float) -> float:
    """Share of calls answered within threshold_s."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * threshold_s / aht_s)


def agents_required(traffic: float, target: float, threshold_s: float, aht_s: float) -> int:
    """The fewest agents N > a whose service level reaches `target` (0 without traffic)."""
    if traffic <= 0:
        return 0
    n = max(1, math.floor(traffic) + 1)
    while service_level(n, traffic, threshold_s, aht_s) < target:
        n += 1
    return n

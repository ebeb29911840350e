"""Per-contact summaries shared by the generators (tickets, surveys, QA,
orders) and the ground truth. One row per true contact (call or conversation)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ccw.simulator.frame import DAY_SEQ
from ccw.simulator.schema import NULL

CH_PHONE, CH_WEB, CH_APP, CH_SOCIAL = 0, 1, 2, 3  # contact channel codes
CHAT_CHANNELS = ("web", "app", "social")
CATEGORIES = ("pre_sales", "in_sale", "after_sales")


@dataclass
class Contacts:
    """Arrays of equal length; ids are typed (dayid ints), NULL / -1 when absent."""

    kind: np.ndarray  # 0 call, 1 chat
    channel: np.ndarray  # CH_*
    source_ref: np.ndarray  # root call id / first message id (dayid)
    customer: np.ndarray  # customer number or -1
    owner: np.ndarray  # agent index or -1
    queue: np.ndarray  # queue code (calls) or -1
    started_at: np.ndarray
    ended_at: np.ndarray
    is_handled: np.ndarray  # bool
    wait_s: np.ndarray  # float, NaN if none
    handle_s: np.ndarray  # float
    first_response_s: np.ndarray  # float, NaN if none
    ticket_id: np.ndarray  # dayid or NULL
    ticket_at: np.ndarray  # creation time of the ticket (when ticket_id set)
    category: np.ndarray  # CATEGORIES code or -1
    is_complaint: np.ndarray  # bool
    qa_ref: np.ndarray  # dayid of a leg / message an evaluator can refer to, NULL if none
    qa_kind: np.ndarray  # 0 call leg, 1 message
    transfers: np.ndarray  # number of transfers (calls)
    agent_messages: np.ndarray  # agent `message` events (conversations)
    customer_messages: np.ndarray  # customer `message` events (conversations)

    def __len__(self) -> int:
        return len(self.kind)

    @staticmethod
    def concat(parts: list[Contacts]) -> Contacts:
        return Contacts(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Contacts)})

    def take(self, idx: np.ndarray) -> Contacts:
        return Contacts(**{f.name: getattr(self, f.name)[idx] for f in fields(Contacts)})


def assign_tickets(
    rng: np.random.Generator,
    c: Contacts,
    d: int,
    seq_base: int,
    p_ticket: float,
    presales_bias: np.ndarray,
    ticket_time: np.ndarray,
) -> np.ndarray:
    """Give some handled contacts a ticket; returns the contact indices that got one."""
    has = c.is_handled & (c.customer > 0) & (rng.random(len(c)) < p_ticket)
    idx = np.flatnonzero(has)
    c.ticket_id[idx] = d * DAY_SEQ + seq_base + np.arange(len(idx))
    c.ticket_at[idx] = ticket_time[idx]
    u = rng.random(len(idx))
    pre = presales_bias[idx]
    c.category[idx] = np.where(u < pre, 0, np.where(u < pre + (1 - pre) * 0.4, 1, 2))
    c.is_complaint[idx] = rng.random(len(idx)) < np.where(c.category[idx] == 2, 0.16, 0.04)
    return idx


def empty_contacts(n: int) -> Contacts:
    z = np.zeros(n, dtype=np.int64)
    nan = np.full(n, np.nan)
    return Contacts(
        kind=z.copy(), channel=z.copy(), source_ref=np.full(n, NULL), customer=np.full(n, -1), owner=np.full(n, -1),
        queue=np.full(n, -1), started_at=z.copy(), ended_at=z.copy(), is_handled=np.zeros(n, dtype=bool),
        wait_s=nan.copy(), handle_s=np.zeros(n), first_response_s=nan.copy(), ticket_id=np.full(n, NULL),
        ticket_at=np.full(n, NULL), category=np.full(n, -1), is_complaint=np.zeros(n, dtype=bool),
        qa_ref=np.full(n, NULL), qa_kind=z.copy(), transfers=z.copy(),
        agent_messages=z.copy(), customer_messages=z.copy(),
    )

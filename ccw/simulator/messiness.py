"""Messiness injection (raw-sources.md "What real exports get wrong").

The clean rows are never altered in meaning: ground truth is computed from
them before anything here runs. On top of them this module adds

- junk rows: copies of clean rows with a fresh id and exactly ONE defect, so
  that staging rejects them with a known `reason_code` (docs/design.md);
- stale versions: older, superseded versions of tickets and orders;
- cosmetic noise: enumerations in mixed case with stray spaces;
- exact duplicate copies of rows.

Late rows and extra agent/customer versions are made by the runner and
`ccw.simulator.crm`; unmatched surveys/QA by `ccw.simulator.crm`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ccw.simulator.frame import DAY_SEQ, Frame, Renderer, concat, nrows, take
from ccw.simulator.schema import NULL, Entity

# reason codes in the validation order of docs/design.md
REASONS = (
    "missing_key", "missing_required_value", "unparseable_timestamp", "unparseable_value", "unknown_enum_value",
    "score_out_of_range", "negative_duration", "impossible_timestamp_order", "unknown_agent", "unknown_customer",
    "unknown_call_reference",
)

BAD_TS = ("not a date", "2026-02-30 25:61:00", "31/13/2026", "yesterday", "2026-3-1T9h", "0000-00-00T00:00:00Z")
BAD_INT = ("abc", "12x", "n/a", "1,5", "--3")
BAD_DEC = ("abc", "1.2.3", "ten", "12,5 EUR")
BAD_BOOL = ("maybe", "unknown", "2", "yess")
BAD_ENUM = {
    "priority": "critical", "category": "warranty", "direction": "internal", "disposition": "busy",
    "sender_type": "robot", "event": "typing", "survey": "ces", "state": "lunch", "segment": "gold",
}
BAD_ENUM_BY_ENTITY = {("crm", "tickets", "status"): "escalated", ("crm", "orders", "status"): "shipped",
                      ("crm", "tickets", "channel"): "fax", ("messaging", "messages", "channel"): "sms",
                      ("crm", "qa_evaluations", "channel"): "email", ("survey", "responses", "channel"): "email"}

# per entity: which defects apply, and on which columns
JUNK: dict[str, dict[str, tuple[str, ...]]] = {
    "crm__agents": {"missing_key": ("agent_id",), "missing_required_value": ("team",),
                    "unparseable_timestamp": ("updated_at", "hired_on")},
    "crm__customers": {"missing_key": ("customer_id",), "missing_required_value": ("segment",),
                       "unparseable_timestamp": ("created_at", "updated_at"), "unknown_enum_value": ("segment",)},
    "crm__tickets": {"missing_key": ("ticket_id",), "missing_required_value": ("status",),
                     "unparseable_timestamp": ("created_at", "updated_at"),
                     "unparseable_value": ("is_complaint", "reopen_count"),
                     "unknown_enum_value": ("priority", "status", "channel", "category"),
                     "negative_duration": ("reopen_count",), "impossible_timestamp_order": ("solved_at",),
                     "unknown_agent": ("assignee_agent_id",), "unknown_customer": ("customer_id",)},
    "crm__orders": {"missing_key": ("order_id",), "missing_required_value": ("status",),
                    "unparseable_timestamp": ("created_at", "updated_at"), "unparseable_value": ("amount", "item_count"),
                    "unknown_enum_value": ("status",), "negative_duration": ("amount", "item_count"),
                    "impossible_timestamp_order": ("paid_at",), "unknown_customer": ("customer_id",)},
    "crm__qa_evaluations": {"missing_key": ("evaluation_id",), "missing_required_value": ("evaluated_at",),
                            "unparseable_timestamp": ("evaluated_at",), "unparseable_value": ("score",),
                            "unknown_enum_value": ("channel",), "score_out_of_range": ("score",),
                            "unknown_agent": ("agent_id",)},
    "telephony__calls": {"missing_key": ("call_id",), "missing_required_value": ("direction",),
                         "unparseable_timestamp": ("enqueued_at", "ended_at"), "unparseable_value": ("hold_s", "acw_s"),
                         "unknown_enum_value": ("direction", "disposition"), "negative_duration": ("hold_s", "acw_s"),
                         "impossible_timestamp_order": ("answered_at",), "unknown_agent": ("agent_id",),
                         "unknown_call_reference": ("root_call_id",)},
    "messaging__messages": {"missing_key": ("message_id",), "missing_required_value": ("sent_at",),
                            "unparseable_timestamp": ("sent_at",), "unparseable_value": ("char_count",),
                            "unknown_enum_value": ("channel", "sender_type", "event"),
                            "negative_duration": ("char_count",), "unknown_agent": ("agent_id",),
                            "unknown_customer": ("customer_id",)},
    "survey__responses": {"missing_key": ("response_id",), "missing_required_value": ("survey",),
                          "unparseable_timestamp": ("sent_at", "responded_at"), "unparseable_value": ("score",),
                          "unknown_enum_value": ("survey", "channel"), "score_out_of_range": ("score",),
                          "impossible_timestamp_order": ("responded_at",), "unknown_customer": ("customer_id",)},
    "wfm__schedules": {"missing_key": ("agent_id",), "missing_required_value": ("shift_end",),
                       "unparseable_timestamp": ("shift_start", "shift_end"), "negative_duration": ("shift_end",),
                       "unknown_agent": ("agent_id",)},
    "wfm__agent_states": {"missing_key": ("agent_id",), "missing_required_value": ("state",),
                          "unparseable_timestamp": ("started_at", "ended_at"), "unknown_enum_value": ("state",),
                          "negative_duration": ("ended_at",), "unknown_agent": ("agent_id",)},
}

TEXT_DEFECTS = {"missing_key", "missing_required_value", "unparseable_timestamp", "unparseable_value", "unknown_enum_value"}


class Messer:
    """Adds junk, stale versions, enum noise and duplicates to one file's clean rows."""

    FORCE_DAYS = 2  # every applicable reason is injected at least once on each of the first days

    def __init__(self, render: Renderer, rates: dict[str, float]):
        self.render = render
        self.rates = rates

    # -- typed phase -------------------------------------------------------------------------------
    def _template_ok(self, entity: Entity, reason: str, col: str, f: Frame) -> np.ndarray:
        n = nrows(f)
        ok = np.ones(n, dtype=bool)
        if reason == "impossible_timestamp_order" and entity.full == "telephony__calls":
            ok &= f["answered_at"] != NULL
        if reason == "unknown_agent":
            ok &= f[col] != NULL
        if reason in ("unparseable_timestamp",):
            ok &= f[col] != NULL
        return ok

    def junk(self, entity: Entity, clean: Frame, d: int, rng: np.random.Generator) -> tuple[Frame, list[tuple[str, str]]]:
        """Junk rows (typed, with fresh ids) + the (reason, column) of each row's single defect."""
        spec = JUNK[entity.full]
        n = nrows(clean)
        if n == 0 or self.rates["junk"] <= 0:
            return {}, []
        k = int(rng.binomial(n, self.rates["junk"]))
        reasons = list(rng.choice(list(spec), k)) if k else []
        if d < self.FORCE_DAYS:  # stateless (files may be processed in any order): force on the first days
            reasons += [r for r in spec if r not in reasons]
        rows: list[Frame] = []
        plan: list[tuple[str, str]] = []
        by_reason = Counter(reasons)
        for reason in spec:
            m = by_reason.get(reason, 0)
            if not m:
                continue
            cols = spec[reason]
            col = cols[int(rng.integers(0, len(cols)))]
            pool = np.flatnonzero(self._template_ok(entity, reason, col, clean))
            if not len(pool):
                continue
            m = min(m, len(pool))
            idx = rng.choice(pool, m, replace=False)
            t = take(clean, idx)
            t = self._typed_defect(entity, reason, col, t, d, rng)
            rows.append(t)
            plan += [(reason, col)] * m
        junk = concat(rows)
        if junk:
            junk = self._fresh_key(entity, junk, d)
        return junk, plan

    @staticmethod
    def _fresh_key(entity: Entity, t: Frame, d: int) -> Frame:
        """Fresh ids, unique per entity and day, disjoint from every clean id."""
        key = entity.key[0]
        c = entity.col(key)
        m = nrows(t)
        if c.kind == "dayid":
            t[key] = d * DAY_SEQ + 8_000_000 + np.arange(m)
        elif c.kind == "id" and entity.system == "crm":  # agents, customers: a fresh, never valid id
            t[key] = 10**9 + d * 10**5 + np.arange(m)
        return t

    def _typed_defect(self, entity: Entity, reason: str, col: str, t: Frame, d: int, rng: np.random.Generator) -> Frame:
        m = nrows(t)
        e = entity.full
        if reason == "score_out_of_range":
            if e == "crm__qa_evaluations":
                t[col] = np.where(rng.random(m) < 0.5, 100.5 + rng.integers(0, 50, m), -1.0 - rng.integers(0, 20, m))
            else:
                csat = t["survey"] == 0
                t[col] = np.where(csat, np.where(rng.random(m) < 0.5, 0, 6 + rng.integers(0, 4, m)),
                                  np.where(rng.random(m) < 0.5, -1, 11 + rng.integers(0, 5, m)))
        elif reason == "negative_duration":
            if col in ("shift_end", "ended_at"):
                start = t["shift_start" if col == "shift_end" else "started_at"]
                t[col] = start - rng.integers(1, 3600, m)
            elif col == "amount":
                t[col] = -np.abs(t[col]) - 1.0
            else:
                t[col] = -rng.integers(1, 60, m)
        elif reason == "impossible_timestamp_order":
            anchor = {"answered_at": "enqueued_at", "solved_at": "created_at", "paid_at": "created_at",
                      "responded_at": "sent_at"}[col]
            t[col] = t[anchor] - rng.integers(1, 3600, m)
        elif reason == "unknown_agent":
            t[col] = 900_000 + rng.integers(0, 99_999, m)
        elif reason == "unknown_customer":
            t[col] = 90_000_000 + rng.integers(0, 9_999_999, m)
        elif reason == "unknown_call_reference":
            t[col] = d * DAY_SEQ + 9_900_000 + rng.integers(0, 99_999, m)
        return t

    # -- text phase --------------------------------------------------------------------------------
    def text_defects(self, entity: Entity, cols: dict[str, pa.Array], start: int, plan: list[tuple[str, str]],
                     rng: np.random.Generator) -> None:
        """Apply the text defects of junk rows found at positions start.. of the rendered columns."""
        if not plan:
            return
        n = len(next(iter(cols.values())))
        for (reason, col) in sorted(set(plan)):
            if reason not in TEXT_DEFECTS:
                continue
            pos = start + np.array([i for i, p in enumerate(plan) if p == (reason, col)])
            c = entity.col(col)
            if reason in ("missing_key", "missing_required_value"):
                values = np.where(rng.random(len(pos)) < 0.5, None, "  ").tolist()
            elif reason == "unparseable_timestamp":
                values = list(rng.choice(BAD_TS, len(pos)))
            elif reason == "unparseable_value":
                pool = BAD_BOOL if c.kind == "bool" else BAD_DEC if c.kind == "dec" else BAD_INT
                values = list(rng.choice(pool, len(pos)))
            else:
                bad = BAD_ENUM_BY_ENTITY.get((entity.system, entity.name, col), BAD_ENUM.get(col, "other"))
                values = [bad if i % 2 == 0 else f" {bad.upper()} " for i in range(len(pos))]
            mask = np.zeros(n, dtype=bool)
            mask[pos] = True
            cols[col] = pc.replace_with_mask(cols[col], pa.array(mask), pa.array(values, type=pa.string()))

    def enum_noise(self, entity: Entity, cols: dict[str, pa.Array], n_clean: int, rng: np.random.Generator) -> int:
        """Mixed case and stray spaces on a fraction of the clean rows' enumerations."""
        rate = self.rates["enum_noise"]
        if rate <= 0 or n_clean == 0:
            return 0
        n = len(next(iter(cols.values())))
        rows = np.flatnonzero(rng.random(n_clean) < rate)
        if not len(rows):
            return 0
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        pmask = pa.array(mask)
        style = rng.integers(0, 5, len(rows))
        for c in entity.cols:
            if c.kind != "enum":
                continue
            v = cols[c.name].take(pa.array(rows))
            values = np.array(v.to_pylist(), dtype=object)
            nn = values != None  # noqa: E711 - element-wise null test
            for s in range(5):
                sel = nn & (style == s)
                if not sel.any():
                    continue
                x = values[sel].astype(str)
                if s == 0:
                    x = np.char.upper(x)
                elif s == 1:
                    x = np.char.capitalize(x)
                elif s == 2:
                    x = np.char.add(" ", x)
                elif s == 3:
                    x = np.char.add(x, "  ")
                else:
                    x = np.char.add(np.char.add(" ", np.char.upper(x)), " ")
                values[sel] = x.astype(object)
            cols[c.name] = pc.replace_with_mask(cols[c.name], pmask, pa.array(values.tolist(), type=pa.string()))
        return int(len(rows))

    def stale_versions(self, entity: Entity, clean: Frame, rng: np.random.Generator) -> Frame:
        """Older versions (updated_at 1-49 s before a real version, other priority/amount): superseded.

        Real versions of one id are at least 60 s apart, so a stale copy never ties with one."""
        n = nrows(clean)
        rate = self.rates["stale_version"]
        if n == 0 or rate <= 0:
            return {}
        k = max(1, int(rng.binomial(n, rate))) if n >= 5 else 0
        k = min(k, n)
        if k == 0:
            return {}
        t = take(clean, rng.choice(n, k, replace=False))
        t["updated_at"] = t["updated_at"] - rng.integers(1, 50, k)
        if entity.name == "tickets":
            t["priority"] = (t["priority"] + 1) % 4
        else:
            t["amount"] = np.round(t["amount"] + 10.0, 2)
        return t

    @staticmethod
    def duplicates(table: pa.Table, rate: float, rng: np.random.Generator) -> tuple[pa.Table, int]:
        n = table.num_rows
        if n == 0 or rate <= 0:
            return table, 0
        k = int(rng.binomial(n, rate))
        if k == 0:
            return table, 0
        idx = rng.choice(n, k, replace=True)  # a row may be copied more than once
        order = np.concatenate([np.arange(n), idx])
        # each copy lands right after a random row of the file (not necessarily next to its original)
        key = np.concatenate([np.arange(n) * 2, np.sort(rng.integers(0, n, k)) * 2 + 1])
        order = order[np.argsort(key, kind="stable")]
        return table.take(pa.array(order)), k

"""Simulation parameters: size, seed, calendar, output format and messiness rates."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ccw.errors import CcwError

FORMATS = ("csv", "parquet")

# Messiness types (raw-sources.md "What real exports get wrong"). Each rate is a
# fraction of the clean rows of an entity; every one defaults to `mess_rate`.
MESS_TYPES: dict[str, str] = {
    "duplicate": "exact duplicate copies of rows (counted as duplicate_rows)",
    "junk": "extra rows with fresh ids carrying exactly one defect (rejected with a reason code)",
    "enum_noise": "clean rows whose enumerations get mixed case and stray spaces",
    "late": "clean rows written into a file 1-3 days after their own day",
    "stale_version": "older, superseded versions of tickets and orders",
    "extra_version": "extra agent/customer versions with a later updated_at (kept as history)",
    "orphan": "survey responses and QA evaluations that match no contact",
}


@dataclass(frozen=True)
class SimConfig:
    """Everything that determines the output: same config => byte-identical files."""

    days: int = 30
    agents: int = 40
    seed: int = 7
    start: date = date(2026, 3, 1)
    fmt: str = "csv"
    mess_rate: float = 0.03
    rates: dict[str, float] = field(default_factory=dict)
    # volume knobs (per active agent and day, weekday average)
    calls_per_agent_day: float = 9.0
    chats_per_agent_day: float = 11.0
    ground_truth: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 3660:
            raise CcwError(f"days must be between 1 and 3660, got {self.days}", "simulate", "pass --days N")
        if not 2 <= self.agents <= 20000:
            raise CcwError(f"agents must be between 2 and 20000, got {self.agents}", "simulate", "pass --agents N")
        if self.fmt not in FORMATS:
            raise CcwError(f"format must be one of {', '.join(FORMATS)}, got {self.fmt!r}", "simulate", "pass --format csv or parquet")
        if not 0.0 <= self.mess_rate <= 0.5:
            raise CcwError(f"mess rate must be between 0 and 0.5, got {self.mess_rate}", "simulate", "pass --mess-rate 0.03")
        for key, value in self.rates.items():
            if key not in MESS_TYPES:
                raise CcwError(f"unknown messiness type {key!r}", "simulate", f"use one of {', '.join(MESS_TYPES)}")
            if value is None:
                continue
            if not 0.0 <= float(value) <= 0.5:
                raise CcwError(f"rate {key} must be between 0 and 0.5, got {value}", "simulate", "use a fraction such as 0.03")
        if self.seed < 0:
            raise CcwError(f"seed must be >= 0, got {self.seed}", "simulate", "pass --seed N")

    def rate(self, kind: str) -> float:
        """The rate of one messiness type (override, else `mess_rate`)."""
        value = self.rates.get(kind)
        return float(self.mess_rate if value is None else value)

    def manifest(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["start"] = self.start.isoformat()
        data["rates"] = {k: self.rate(k) for k in MESS_TYPES}
        return data

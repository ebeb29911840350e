"""The simulator: a contact centre's raw exports with known ground truth.

`simulate_to_folder(out, days=..., agents=..., seed=...)` writes
`<out>/<system>/<entity>/<YYYY-MM-DD>.csv|parquet` exactly as
`raw-sources.md` describes (messiness included) and `<out>/_ground_truth/`
(docs/design.md, "Simulator output and ground truth").

Modules: `config` (parameters, messiness types), `schema` (the raw contract
as data), `world` (calendar, roster, customers, shifts), `calls`, `chats`,
`crm`, `wfm` (the clean event model), `contacts` (per-contact summaries),
`messiness` (junk, noise, duplicates, stale versions), `frame`/`fastfmt`/
`writers` (typed rows -> export text -> files), `filejob` (one file: messiness
+ rendering + writing, run in worker processes for large runs), `truth`
(ground truth), `runner` (the day loop), `cli` (`ccw simulate`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ccw.simulator.config import FORMATS, MESS_TYPES, SimConfig

__all__ = ["simulate_to_folder", "SimConfig", "MESS_TYPES", "FORMATS"]


def simulate_to_folder(
    out: Path,
    days: int = 30,
    agents: int = 40,
    seed: int = 7,
    start: date = date(2026, 3, 1),
    fmt: str = "csv",
    mess_rate: float = 0.03,
    progress: bool = False,
    ground_truth: bool = True,
    **rates: float,
) -> dict[str, Any]:
    """Write a simulated raw folder (and `_ground_truth/`) to `out`; returns a summary dict.

    `rates` override single messiness types (keys of `MESS_TYPES`: duplicate,
    junk, enum_noise, late, stale_version, extra_version, orphan); each
    defaults to `mess_rate`. Same arguments => byte-identical files.
    """
    from ccw.simulator.runner import Simulation

    cfg = SimConfig(days=days, agents=agents, seed=seed, start=start, fmt=fmt, mess_rate=mess_rate,
                    rates=dict(rates), ground_truth=ground_truth)
    return Simulation(cfg, Path(out), progress=progress).run()

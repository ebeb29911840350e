"""One output file: a day's clean rows of one entity -> messiness -> text -> file.

A pure function of its inputs (own random stream per entity and day), so files
can be processed in worker processes in any order with byte-identical results.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from ccw.simulator.frame import Frame, Renderer, concat, nrows
from ccw.simulator.messiness import Messer
from ccw.simulator.schema import BY_NAME, ENTITIES
from ccw.simulator.writers import entity_dir, text_table, write_table

VERSIONED_LATEST = ("crm__tickets", "crm__orders")  # latest updated_at wins; older versions superseded
S_MESS, S_RENDER = 20, 21  # random streams, distinct from those of ccw.simulator.world


@dataclass(frozen=True)
class Context:
    out: Path
    fmt: str
    seed: int
    start: date
    days: int
    rates: tuple[tuple[str, float], ...]


@dataclass
class FileResult:
    entity: str
    raw_rows: int = 0
    duplicate_rows: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    valid_rows: int = 0
    stale_rows: int = 0
    noisy_rows: int = 0
    valid_ids: np.ndarray | None = None


_CACHE: dict[Context, tuple[Renderer, Messer]] = {}


def _tools(ctx: Context) -> tuple[Renderer, Messer]:
    if ctx not in _CACHE:
        render = Renderer(ctx.start, ctx.days)
        _CACHE.clear()
        _CACHE[ctx] = (render, Messer(render, dict(ctx.rates)))
    return _CACHE[ctx]


def process_file(ctx: Context, name: str, d: int, clean: Frame) -> FileResult:
    entity = BY_NAME[name]
    render, messer = _tools(ctx)
    ei = ENTITIES.index(entity)
    rng = np.random.default_rng([ctx.seed, S_MESS, d + 1000, ei])
    rates = dict(ctx.rates)
    parts = [clean]
    stale: Frame = {}
    res = FileResult(name)
    if name in VERSIONED_LATEST:
        stale = messer.stale_versions(entity, clean, rng)
        parts.append(stale)
        key = entity.key[0]
        res.valid_ids = np.concatenate([clean[key], stale[key]]) if stale else np.asarray(clean[key])
    junk, plan = messer.junk(entity, clean, d, rng)
    n_valid = nrows(clean) + nrows(stale)
    typed = concat([p for p in parts + [junk] if p]) or clean
    cols = render.render(entity, typed, np.random.default_rng([ctx.seed, S_RENDER, d + 1000, ei]))
    messer.text_defects(entity, cols, n_valid, plan, rng)
    res.noisy_rows = messer.enum_noise(entity, cols, n_valid, rng)
    table, dups = messer.duplicates(text_table(entity, cols), rates["duplicate"], rng)
    res.raw_rows = table.num_rows
    res.duplicate_rows = dups
    res.valid_rows = n_valid
    res.stale_rows = nrows(stale)
    res.rejected = dict(Counter(reason for reason, _ in plan))
    day = (ctx.start + timedelta(days=d)).isoformat()
    write_table(entity_dir(ctx.out, entity) / f"{day}.{ctx.fmt}", table, ctx.fmt)
    return res



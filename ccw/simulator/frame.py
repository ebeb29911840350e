"""Typed frames (column name -> numpy array or pyarrow string array) and their
rendering to the text a system's export holds."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ccw.simulator import fastfmt as ff
from ccw.simulator.schema import NULL, TS_STYLE, Entity

Column = np.ndarray | pa.Array
Frame = dict[str, Column]

DAY_SEQ = 10**7  # dayid = day * DAY_SEQ + seq
_EPOCH = date(1970, 1, 1)


def nrows(frame: Frame) -> int:
    for v in frame.values():
        return len(v)
    return 0


def take(frame: Frame, idx: np.ndarray) -> Frame:
    idx = np.asarray(idx, dtype=np.int64)
    out: Frame = {}
    for k, v in frame.items():
        out[k] = v.take(pa.array(idx)) if isinstance(v, pa.Array) else v[idx]
    return out


def concat(frames: list[Frame]) -> Frame:
    frames = [f for f in frames if f and nrows(f)]
    if not frames:
        return {}
    if len(frames) == 1:
        return frames[0]
    out: Frame = {}
    for k in frames[0]:
        parts = [f[k] for f in frames]
        if isinstance(parts[0], pa.Array):
            out[k] = pa.concat_arrays([p if isinstance(p, pa.Array) else pa.array(p) for p in parts])
        else:
            out[k] = np.concatenate(parts)
    return out


def empty_frame(entity: Entity) -> Frame:
    out: Frame = {}
    for c in entity.cols:
        if c.kind == "text":
            out[c.name] = pa.array([], type=pa.string())
        elif c.kind == "dec":
            out[c.name] = np.zeros(0, dtype=np.float64)
        else:
            out[c.name] = np.zeros(0, dtype=np.int64)
    return out


class Renderer:
    """Turns typed columns into export text for a simulation calendar."""

    def __init__(self, start: date, days: int):
        self.start = start
        self.min_day = -800
        n = days + 1600
        codes = [(start + timedelta(days=self.min_day + i)).strftime("%y%m%d") for i in range(n)]
        self.daycodes = pa.array(codes, type=pa.string())
        self._id_tables: dict[tuple[str, int], pa.Array] = {}
        self.daycode_mat = np.frombuffer("".join(codes).encode(), dtype=np.uint8).reshape(n, 6)

    # -- scalars used by generators
    def dayid_str(self, values: np.ndarray, prefix: str) -> pa.Array:
        return self.dayid(np.asarray(values, dtype=np.int64), prefix, 7)

    # -- column renderers
    def ident(self, values: np.ndarray, prefix: str, width: int) -> pa.Array:
        values = np.asarray(values, dtype=np.int64)
        mask = values == NULL
        v = np.where(mask, 0, values)
        wide = v >= 10**width  # rare (junk ids): rendered without padding loss
        n = len(v)
        vmax = int(v[~wide].max()) if n and (~wide).any() else 0
        if vmax < 2_000_000 and n > 64:  # agents, customers: a cached table of rendered ids
            table = self._id_tables.get((prefix, width))
            if table is None or len(table) <= vmax:
                size = max(vmax + 1, 2 * (len(table) if table is not None else 1024))
                size = min(size, 10**width)
                k = np.arange(size)
                table = ff.from_matrix(np.concatenate([ff.const(prefix, size), ff.digits(k, width)], axis=1))
                self._id_tables[(prefix, width)] = table
            out = table.take(pa.array(np.where(wide, 0, v), mask=mask))
        else:
            out = ff.from_matrix(np.concatenate([ff.const(prefix, n), ff.digits(np.where(wide, 0, v), width)], axis=1), mask)
        if wide.any():
            txt = pc.binary_join_element_wise(prefix, pa.array(v).cast(pa.string()), "")
            out = pc.if_else(pa.array(wide & ~mask), txt, out)
        return out

    def dayid(self, values: np.ndarray, prefix: str, width: int) -> pa.Array:
        values = np.asarray(values, dtype=np.int64)
        mask = values == NULL
        v = np.where(mask, 0, values)
        day = np.clip(v // DAY_SEQ - self.min_day, 0, len(self.daycode_mat) - 1)
        n = len(v)
        mat = np.concatenate([ff.const(prefix, n), self.daycode_mat[day], ff.digits(v % DAY_SEQ, width)], axis=1)
        return ff.from_matrix(mat, mask)

    @staticmethod
    def timestamp(values: np.ndarray, system: str) -> pa.Array:
        offset, suffix, sep = TS_STYLE[system]
        mask = values == NULL
        v = np.where(mask, 0, values + offset)
        s = pa.array(v, type=pa.timestamp("s")).cast(pa.string())
        if sep != " ":
            s = pc.utf8_replace_slice(s, start=10, stop=11, replacement=sep)
        if suffix:
            s = pc.binary_join_element_wise(s, suffix, "")
        return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), s) if mask.any() else s

    @staticmethod
    def day(values: np.ndarray) -> pa.Array:
        mask = values == NULL
        v = np.where(mask, 0, values).astype(np.int32)
        s = pa.array(v, type=pa.date32()).cast(pa.string())
        return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), s) if mask.any() else s

    @staticmethod
    def integer(values: np.ndarray) -> pa.Array:
        mask = values == NULL
        s = pa.array(np.where(mask, 0, values)).cast(pa.string())
        return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), s) if mask.any() else s

    @staticmethod
    def decimal(values: np.ndarray) -> pa.Array:
        return pa.array(np.round(values, 2), from_pandas=True).cast(pa.string())

    @staticmethod
    def coded(values: np.ndarray, labels: tuple[str, ...]) -> pa.Array:
        mask = values < 0
        idx = pa.array(np.where(mask, 0, values).astype(np.int32))
        s = pa.array(labels, type=pa.string()).take(idx)
        return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), s) if mask.any() else s

    BOOL_STYLES = (("true", "false"), ("1", "0"), ("yes", "no"), ("True", "False"), ("TRUE", "FALSE"), ("Yes", "No"))

    def boolean(self, values: np.ndarray, rng: np.random.Generator) -> pa.Array:
        style = rng.integers(0, len(self.BOOL_STYLES), size=len(values))
        style = np.where(rng.random(len(values)) < 0.7, 0, style)  # mostly true/false
        labels = tuple(s for pair in self.BOOL_STYLES for s in pair)
        code = style * 2 + (1 - (values > 0).astype(np.int64))
        return self.coded(code, labels)

    def render(self, entity: Entity, frame: Frame, rng: np.random.Generator) -> dict[str, pa.Array]:
        """Every column of `entity` as a pyarrow string array (null = empty field)."""
        out: dict[str, pa.Array] = {}
        for c in entity.cols:
            v = frame[c.name]
            if c.kind == "text":
                out[c.name] = v if isinstance(v, pa.Array) else pa.array(v, type=pa.string())
            elif c.kind == "ts":
                out[c.name] = self.timestamp(v, entity.system)
            elif c.kind == "date":
                out[c.name] = self.day(v)
            elif c.kind == "int":
                out[c.name] = self.integer(v)
            elif c.kind == "dec":
                out[c.name] = self.decimal(v)
            elif c.kind == "bool":
                out[c.name] = self.boolean(v, rng)
            elif c.kind in ("enum", "cat"):
                out[c.name] = self.coded(v, c.values)
            elif c.kind == "id":
                out[c.name] = self.ident(v, c.prefix, c.width)
            elif c.kind == "dayid":
                out[c.name] = self.dayid(v, c.prefix, c.width)
            else:  # pragma: no cover - schema error
                raise ValueError(f"unknown column kind {c.kind}")
        return out


def day_number(d: date) -> int:
    return (d - _EPOCH).days

"""Vectorised text rendering with numpy: fixed-width byte matrices turned into
Arrow string arrays without a Python loop (ids, timestamps, phone numbers)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

ZERO = 48


_PAIRS = np.array([[ZERO + i // 10, ZERO + i % 10] for i in range(100)], dtype=np.uint8)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of the zero-padded decimal digits of non-negative ints."""
    v = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((len(v), width), dtype=np.uint8)
    pos = width
    while pos >= 2:
        out[:, pos - 2:pos] = _PAIRS[v % 100]
        v //= 100
        pos -= 2
    if pos == 1:
        out[:, 0] = ZERO + v % 10
    return out


def const(text: str, n: int) -> np.ndarray:
    b = np.frombuffer(text.encode(), dtype=np.uint8)
    return np.broadcast_to(b, (n, len(b)))


def from_matrix(mat: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Arrow string array whose row i is the bytes of mat[i] (null where `null`)."""
    n, width = mat.shape
    data = np.ascontiguousarray(mat, dtype=np.uint8)
    offsets = np.arange(n + 1, dtype=np.int32) * width
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    if null is not None and null.any():
        buffers[0] = pa.py_buffer(np.packbits(~null, bitorder="little"))
        return pa.Array.from_buffers(pa.string(), n, buffers, null_count=int(null.sum()))
    return pa.Array.from_buffers(pa.string(), n, buffers)


def from_parts(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> pa.Array:
    """Assemble rows of different widths: parts = [(row indices, byte matrix for those rows), ...]."""
    lengths = np.zeros(n, dtype=np.int64)
    for rows, mat in parts:
        lengths[rows] = mat.shape[1]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = np.zeros(int(offsets[-1]), dtype=np.uint8)
    for rows, mat in parts:
        if len(rows):
            pos = offsets[rows][:, None] + np.arange(mat.shape[1])
            data[pos.ravel()] = np.ascontiguousarray(mat).ravel()
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)])


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def date_matrix(days: np.ndarray) -> np.ndarray:
    y, m, d = civil(days)
    n = len(y)
    return np.concatenate([digits(y, 4), const("-", n), digits(m, 2), const("-", n), digits(d, 2)], axis=1)


def timestamp_matrix(secs: np.ndarray, sep: str, suffix: str) -> np.ndarray:
    """'YYYY-MM-DD<sep>HH:MM:SS<suffix>' for epoch seconds (already shifted to the wall time wanted)."""
    s = np.asarray(secs, dtype=np.int64)
    days = np.floor_divide(s, 86400)
    sod = s - days * 86400
    n = len(s)
    parts = [date_matrix(days), const(sep, n), digits(sod // 3600, 2), const(":", n), digits(sod // 60 % 60, 2),
             const(":", n), digits(sod % 60, 2)]
    if suffix:
        parts.append(const(suffix, n))
    return np.concatenate(parts, axis=1)


def phones(number: np.ndarray, shape: np.ndarray) -> pa.Array:
    """11-digit mobile numbers in the spec's four shapes:
    0 '+86 138-0013-8000', 1 '13800138000', 2 '0086 138 0013 8000', 3 '(+86)13800138000'."""
    number = np.asarray(number, dtype=np.int64)
    n = len(number)
    parts = []
    for s in range(4):
        rows = np.flatnonzero(shape == s)
        m = len(rows)
        dg = digits(number[rows], 11)
        a, b, c = dg[:, :3], dg[:, 3:7], dg[:, 7:]
        if s == 0:
            mat = np.concatenate([const("+86 ", m), a, const("-", m), b, const("-", m), c], axis=1)
        elif s == 1:
            mat = dg
        elif s == 2:
            mat = np.concatenate([const("0086 ", m), a, const(" ", m), b, const(" ", m), c], axis=1)
        else:
            mat = np.concatenate([const("(+86)", m), dg], axis=1)
        parts.append((rows, mat))
    return from_parts(parts, n)

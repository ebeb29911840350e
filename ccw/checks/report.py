"""Plain-text tables for the gates' reports (no dependency, fits a terminal or a CI log)."""

from __future__ import annotations

from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], max_widths: Sequence[int] | None = None) -> str:
    """A fixed-width table; cells wider than their column's max width are cut with '...'."""
    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    if max_widths:
        widths = [min(w, m) for w, m in zip(widths, max_widths, strict=False)]

    def cut(text: str, width: int) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= width else text[: max(width - 3, 0)] + "..."

    def line(values: Sequence[str]) -> str:
        return " | ".join(cut(v, w).ljust(w) for v, w in zip(values, widths, strict=False)).rstrip()

    out = [line(list(headers)), "-+-".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)

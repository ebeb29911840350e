"""One readable line per error: what went wrong, where, and how to fix it."""

from __future__ import annotations


class CcwError(Exception):
    """An error the user can act on. Printed as one line, never a traceback."""

    def __init__(self, what: str, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"in {self.where}")
        line = " ".join(parts)
        if self.fix:
            line += f"; {self.fix}"
        return line

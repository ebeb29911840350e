"""What the dashboard reads: the published warehouse, read-only, through
short-lived connections (so a `ccw build` can swap in a new file at any
time), with results cached per file version (inode, size, mtime: a swap is
a new version, so the next page load shows the new data).

Every KPI figure is computed from summed numerators and denominators with
the KPI catalogue's formula (ccw.warehouse.catalogue), never as an average
of averages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ccw.warehouse import catalogue

CATALOGUE = catalogue.load()


def file_version(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def read(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one query on a fresh read-only connection."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@dataclass(frozen=True)
class Filters:
    start: str
    end: str
    team: str | None = None
    channel: str | None = None

    def agent_where(self, alias: str = "") -> tuple[str, list]:
        p = f"{alias}." if alias else ""
        sql = f"{p}activity_date between cast(? as date) and cast(? as date)"
        params: list = [self.start, self.end]
        if self.team:
            sql += f" and {p}team = ?"
            params.append(self.team)
        return sql, params

    def contact_where(self, alias: str = "c") -> tuple[str, list]:
        sql = f"{alias}.activity_date between cast(? as date) and cast(? as date)"
        params: list = [self.start, self.end]
        if self.channel:
            sql += f" and {alias}.channel = ?"
            params.append(self.channel)
        if self.team:
            sql += f" and {alias}.owner_agent_id in (select agent_id from marts.fct_agent_daily where team = ?)"
            params.append(self.team)
        return sql, params


def agent_kpis() -> list[catalogue.Kpi]:
    return CATALOGUE.kpis("agent_day", columns_only=True)


def queue_kpis() -> list[catalogue.Kpi]:
    return CATALOGUE.kpis("queue_day", columns_only=True)


def kpi_by_label() -> dict[str, catalogue.Kpi]:
    return {f"{k.label} ({k.name})": k for k in agent_kpis()}


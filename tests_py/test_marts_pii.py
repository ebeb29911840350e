"""No mart carries raw PII: not by column (meta or name) and not by value
(no email addresses, phone numbers, names or survey comments of the raw
exports anywhere in schema marts)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from test_marts_helpers import MARTS, shared_project

pytestmark = pytest.mark.slow

PII_NAMES = {
    "full_name",
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "phone_normalized",
    "caller_number",
    "caller_phone_normalized",
    "comment",
    "comments",
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
DIGIT_RUN = re.compile(r"\d{7,}")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _normalise_phone(value: str, country: str = "86") -> str:
    d = _digits(value)
    if d.startswith("00"):
        d = d[2:]
    return d if d.startswith(country) else country + d


def _raw_column(raw: Path, entity: str, column: str) -> set[str]:
    folder = raw / entity
    files = sorted(p for p in folder.glob("*") if p.suffix in (".csv", ".parquet")) if folder.is_dir() else []
    con = duckdb.connect()
    values: set[str] = set()
    for f in files:
        if f.suffix == ".csv":
            rel = con.read_csv(str(f), all_varchar=True, header=True)
        else:
            rel = con.read_parquet(str(f))
        if column not in rel.columns:
            continue
        for (v,) in rel.select(f'cast("{column}" as varchar)').fetchall():
            if v is not None and str(v).strip():
                values.add(str(v).strip())
    return values


def test_no_mart_column_is_pii_by_meta_or_name(tmp_path_factory, demo_raw: Path, demo_warehouse: Path) -> None:
    project, _ = shared_project(tmp_path_factory, demo_raw, demo_warehouse)
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    pii_upstream = set(PII_NAMES)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            for col in node["columns"].values():
                if (col.get("meta") or {}).get("pii") or (col.get("config", {}).get("meta") or {}).get("pii"):
                    pii_upstream.add(col["name"])
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["name"] not in MARTS:
            continue
        for col in node["columns"].values():
            meta = {**(col.get("meta") or {}), **(col.get("config", {}).get("meta") or {})}
            if meta.get("pii"):
                problems.append(f"{node['name']}.{col['name']} is tagged pii")
            if col["name"] in pii_upstream:
                problems.append(f"{node['name']}.{col['name']} has the name of a PII column")
    assert not problems, "\n".join(problems)


def _raw_pii(raw: Path) -> dict[str, set[str]]:
    names = _raw_column(raw, "crm/customers", "full_name") | _raw_column(raw, "crm/agents", "full_name")
    emails = _raw_column(raw, "crm/customers", "email") | _raw_column(raw, "crm/agents", "email")
    phones_raw = _raw_column(raw, "crm/customers", "phone") | _raw_column(raw, "telephony/calls", "caller_number")
    comments = {c for c in _raw_column(raw, "survey/responses", "comment") if len(c) >= 4}
    assert names and emails and phones_raw, "the demo raw folder should carry PII to look for"
    phones = {_normalise_phone(p) for p in phones_raw if len(_digits(p)) >= 7}
    phones |= {p[2:] for p in phones}  # the local form without the country code
    return {"names": {n for n in names if len(n) >= 4}, "emails": emails, "phones": phones, "comments": comments}


def _pii_hits(con, schema: str, tables: list[str], pii: dict[str, set[str]], limit: int = 50) -> list[str]:
    problems: list[str] = []
    for table in tables:
        cols = con.sql(
            "select column_name from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{table}' and data_type = 'VARCHAR'"
        ).fetchall()
        for (col,) in cols:
            values = {
                v
                for (v,) in con.sql(f'select distinct "{col}" from {schema}."{table}" where "{col}" is not null').fetchall()
            }
            for v in values:
                if EMAIL.search(v) or v in pii["emails"]:
                    problems.append(f"{table}.{col}: email {v!r}")
                elif v in pii["names"]:
                    problems.append(f"{table}.{col}: name {v!r}")
                elif v in pii["comments"]:
                    problems.append(f"{table}.{col}: survey comment {v!r}")
                elif any(run in pii["phones"] for run in DIGIT_RUN.findall(v)) or (
                    re.fullmatch(r"[\d\s+()\-]{7,}", v) and _normalise_phone(v) in pii["phones"]
                ):
                    problems.append(f"{table}.{col}: phone number {v!r}")
                if len(problems) >= limit:
                    return problems
    return problems


def test_no_pii_values_in_any_marts_table(demo_raw: Path, demo_con) -> None:
    pii = _raw_pii(demo_raw)
    tables = [
        r[0]
        for r in demo_con.sql("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    ]
    assert set(MARTS) <= set(tables)
    problems = _pii_hits(demo_con, "marts", tables, pii)
    assert not problems, "\n".join(problems)


def test_the_pii_value_scan_finds_pii_where_it_is(demo_raw: Path, demo_con) -> None:
    """Control: the same scan over the staging customers, calls and responses finds
    every kind of PII, so a clean result on the marts means something."""
    pii = _raw_pii(demo_raw)
    hits = _pii_hits(
        demo_con, "staging", ["stg_crm__customers", "stg_telephony__calls", "stg_survey__responses"], pii, limit=100_000
    )
    kinds = {h.split(": ", 1)[1].split(" ", 1)[0] for h in hits}
    assert {"email", "name", "phone", "survey"} <= kinds, kinds

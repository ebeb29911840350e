"""Where things are: project root, default raw folder and warehouse file."""

from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE_PATH = "warehouse/contact_center.duckdb"


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a path the way the spec says: relative to the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def raw_dir() -> Path:
    return resolve(os.environ.get("RAW_DIR", DEFAULT_RAW_DIR))


def warehouse_path() -> Path:
    return resolve(os.environ.get("WAREHOUSE_PATH", DEFAULT_WAREHOUSE_PATH))


# The entity folders of the raw contract (../shared/spec/raw-sources.md).
ENTITY_DIRS = (
    "crm/agents", "crm/customers", "crm/tickets", "crm/orders", "crm/qa_evaluations",
    "telephony/calls", "messaging/messages", "survey/responses", "wfm/schedules", "wfm/agent_states",
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def raw_files(raw_dir: Path) -> list[Path]:
    """Every file of the entity folders, sorted; names starting with `.` or `_` are skipped, as the build does."""
    return sorted(p for d in ENTITY_DIRS for p in (Path(raw_dir) / d).glob("*") if p.is_file()
                  and not p.name.startswith((".", "_")))


def file_day(path: Path) -> str:
    """The day a daily export file is named after (`2026-03-01.csv` -> '2026-03-01'), else ''."""
    stem = Path(path).name.split(".", 1)[0]
    return stem if _DAY.fullmatch(stem) else ""

"""Where things are: project root, default raw folder and warehouse file."""

from __future__ import annotations

import os
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

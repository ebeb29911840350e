"""Deterministic file writers: same table => same bytes (CSV and Parquet)."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from ccw.simulator.schema import Entity

CSV_OPTIONS = pcsv.WriteOptions(include_header=True, quoting_style="needed", delimiter=",")


def entity_dir(out: Path, entity: Entity) -> Path:
    return out / entity.system / entity.name


def write_table(path: Path, table: pa.Table, fmt: str) -> None:
    """Write atomically (temp file + rename). Every column is text (null = empty field)."""
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "csv":
        pcsv.write_csv(table, tmp, CSV_OPTIONS)
    else:
        # no pandas metadata, no timestamps: the bytes depend on the data only
        pq.write_table(table, tmp, compression="zstd", use_dictionary=True, write_statistics=False,
                       store_schema=False)
    os.replace(tmp, path)


def text_table(entity: Entity, cols: dict[str, pa.Array]) -> pa.Table:
    return pa.table({name: cols[name] for name in entity.names},
                    schema=pa.schema([(name, pa.string()) for name in entity.names]))

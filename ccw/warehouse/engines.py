"""The same warehouse on two engines: compare a DuckDB build with a Spark build.

The Spark target (profiles/profiles.yml, `spark`) writes every table as
Parquet under SPARK_WAREHOUSE_DIR/<schema>.db/<table>/, so DuckDB reads a
Spark build directly, without a Spark session: each table of the DuckDB
warehouse is compared with its Spark twin row for row (EXCEPT ALL both ways),
every column cast to the DuckDB column's type. Timestamps, dates, decimals,
integers and text compare exactly; doubles are rounded to 9 decimal places
first, because a sum of doubles depends on the order the engine adds them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class TableDiff:
    table: str
    duckdb_rows: int
    spark_rows: int
    only_in_duckdb: int
    only_in_spark: int
    example: tuple | None

    @property
    def identical(self) -> bool:
        return self.only_in_duckdb == 0 and self.only_in_spark == 0


def spark_table_path(spark_dir: Path, schema: str, table: str) -> Path:
    return spark_dir / f"{schema}.db" / table


def compare_tables(duckdb_path: Path, spark_dir: Path, tables: list[str],
                   exclude_columns: tuple[str, ...] = ()) -> list[TableDiff]:
    """`tables` as schema.table; each must exist in both builds (a missing one raises).
    Columns named in `exclude_columns` are left out of the comparison (a record
    hash is a number on DuckDB and hex text on Spark: staging_record_hash)."""
    diffs = []
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        for qualified in tables:
            schema, table = qualified.split(".")
            folder = spark_table_path(spark_dir, schema, table)
            if not folder.is_dir():
                raise FileNotFoundError(f"Spark build has no table {qualified} (looked in {folder})")
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            exprs = []
            for name, data_type in columns:
                if name in exclude_columns:
                    continue
                quoted = '"' + name.replace('"', '""') + '"'
                if data_type in ("DOUBLE", "FLOAT", "REAL"):
                    exprs.append(f"round(cast({quoted} as double), 9) as {quoted}")
                else:
                    exprs.append(f"cast({quoted} as {data_type}) as {quoted}")
            select = ", ".join(exprs)
            ours = f"select {select} from {schema}.{table}"
            glob = str(folder / "**" / "*.parquet").replace("'", "''")
            theirs = f"select {select} from read_parquet('{glob}', hive_partitioning = true)"
            n_duck = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            n_spark = con.execute(f"select count(*) from ({theirs})").fetchone()[0]
            only_duck = con.execute(f"select count(*) from ({ours} except all {theirs})").fetchone()[0]
            only_spark = con.execute(f"select count(*) from ({theirs} except all {ours})").fetchone()[0]
            example = None
            if only_duck or only_spark:
                example = con.execute(f"({ours} except all {theirs}) limit 1").fetchone() or con.execute(
                    f"({theirs} except all {ours}) limit 1"
                ).fetchone()
            diffs.append(TableDiff(qualified, n_duck, n_spark, only_duck, only_spark, example))
    finally:
        con.close()
    return diffs

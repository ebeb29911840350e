"""Are two built warehouses the same, row for row?

    python benchmarks/compare_warehouses.py BEFORE.duckdb AFTER.duckdb [--schemas marts,intermediate,staging]

For a change that must not move a figure (a performance rewrite, a refactor):
build the same raw folder with the old and the new code, then compare. Every
table of the schemas is compared with EXCEPT ALL both ways (duplicates count),
over the columns the two sides share, leaving out the columns that name a dbt
invocation (`loaded_in`, `changed_in`, `invocation_id`) and the relations that
hold one (`int_load_window`). A table only one side has, or a column only one
side has, is reported too. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

VOLATILE_COLUMNS = {"loaded_in", "changed_in", "invocation_id"}
VOLATILE_TABLES = {"int_load_window"}


def tables(con: duckdb.DuckDBPyConnection, catalog: str, schemas: list[str]) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        """select schema_name, table_name, list(column_name order by column_index)
           from duckdb_columns() where database_name = ? and schema_name in (select unnest(?))
             and table_name in (select table_name from duckdb_tables() where database_name = ?)
           group by all""",
        [catalog, schemas, catalog],
    ).fetchall()
    return {(s, t): cols for s, t, cols in rows if t not in VOLATILE_TABLES}


def compare(before: str, after: str, schemas: list[str]) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as b (read_only)")
    con.execute(f"attach '{after}' as a (read_only)")
    left, right = tables(con, "b", schemas), tables(con, "a", schemas)
    problems = [f"only in {before}: {s}.{t}" for s, t in sorted(left.keys() - right.keys())]
    problems += [f"only in {after}: {s}.{t}" for s, t in sorted(right.keys() - left.keys())]
    for key in sorted(left.keys() & right.keys()):
        s, t = key
        cols_b, cols_a = left[key], right[key]
        for c in sorted(set(cols_b) ^ set(cols_a)):
            problems.append(f"{s}.{t}: column {c} only on one side")
        shared = [c for c in cols_b if c in cols_a and c not in VOLATILE_COLUMNS]
        if not shared:
            continue
        cols = ", ".join(f'"{c}"' for c in shared)
        n_b, n_a, missing, extra = con.execute(
            f"""select (select count(*) from b.{s}.{t}), (select count(*) from a.{s}.{t}),
                       (select count(*) from (select {cols} from b.{s}.{t} except all select {cols} from a.{s}.{t})),
                       (select count(*) from (select {cols} from a.{s}.{t} except all select {cols} from b.{s}.{t}))"""
        ).fetchone()
        if missing or extra:
            problems.append(f"{s}.{t}: {missing} of {n_b} rows differ / are missing, {extra} of {n_a} rows new")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--schemas", default="marts,intermediate,staging")
    args = parser.parse_args(argv)
    problems = compare(args.before, args.after, args.schemas.split(","))
    for p in problems:
        print(p)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Safe publishing: readers of the published warehouse never see a lock error
or a half-built table while `ccw build` runs (issue 8, item 3)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ccw.build import building_path, publish_build
from ccw.errors import CcwError

pytestmark = pytest.mark.slow


def _mart_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_readers_never_fail_or_see_partial_tables_during_a_build(demo_raw, demo_warehouse, tmp_path):
    published = tmp_path / "published.duckdb"
    shutil.copy2(demo_warehouse, published)
    expected = _mart_counts(published)
    assert expected.get("fct_agent_daily", 0) > 0, "demo warehouse has no agent-day rows"

    errors: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                seen = _mart_counts(published)
                if seen != expected:
                    errors.append(f"partial or different marts seen: {seen}")
                reads += 1
            except Exception as exc:  # a lock error or a missing table is a failure
                errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        publish_build(demo_raw, published, target_path=tmp_path / "target", log_path=tmp_path / "logs", stream=False)
        time.sleep(0.5)  # a few reads of the newly published file
    finally:
        stop.set()
        for t in threads:
            t.join()

    assert not errors, errors[:5]
    assert reads > 10, f"the readers only managed {reads} reads"
    assert _mart_counts(published) == expected
    assert not building_path(published).exists()


def test_failed_build_leaves_published_file_untouched(tmp_path):
    published = tmp_path / "published.duckdb"
    con = duckdb.connect(str(published))
    con.execute("create schema marts; create table marts.canary as select 42 as answer")
    con.close()
    before = published.read_bytes()
    with pytest.raises(CcwError):
        publish_build(tmp_path / "no-such-raw", published, stream=False)
    assert published.read_bytes() == before

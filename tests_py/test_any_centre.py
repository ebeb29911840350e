"""Any centre's exports and settings: the rules that keep the build green and
the marts right outside the demo folder.

One hand-made folder (`build_hardening_fixture`) holds one case per rule, with
its own ids, built once with a centre's own settings (New York telephony with
its DST changes, Zurich reporting); each test fails if its rule is removed.
The settings matrix builds a small simulated folder under non-default
settings (DST zones of both hemispheres included) and checks the settings
took effect; a GBK file and bad settings each stop with one readable line.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from staging_fixture import COLUMNS, CU, ST, A, C, M, S, run_dbt_captured, write_csv

pytestmark = pytest.mark.slow

CENTRE_VARS = {"telephony_timezone": "America/New_York", "reporting_timezone": "Europe/Zurich"}


dbt = run_dbt_captured


def build_hardening_fixture(root: Path) -> Path:
    write_csv(root, "crm/agents", "2026-03-01.csv", [
        A("A0001"),
        A("A0002", left_on="9999-12-31"),                 # "still employed" placeholder: kept, left_on null
        A("A0003", hired_on="1900-01-01"),                # implausible_timestamp
        A("A0004", hired_on="2012-05-01", updated_at="2015-06-01T00:00:00Z"),  # long-serving: kept
    ])
    # city as Parquet BINARY without a UTF-8 annotation (some exporters write that)
    cust = [CU("CU0000001", phone="+1 212 555 0100"), CU("CU0000002", phone="+1 212 555 0101"),
            CU("CU0000003", created_at="2012-03-01T00:00:00Z", updated_at="2013-01-01T00:00:00Z")]  # old: kept
    cols = COLUMNS["crm/customers"]
    folder = root / "crm/customers"
    folder.mkdir(parents=True)
    arrays = {c: pa.array([r[c] for r in cust], pa.string()) for c in cols if c != "city"}
    arrays["city"] = pa.array(["上海".encode(), "Zürich".encode(), b"Bern"], pa.binary())
    pq.write_table(pa.table(arrays), folder / "2026-03-01.parquet")

    write_csv(root, "telephony/calls", "2026-03-08.csv", [
        # autumn overlap (New York, 2026-11-01 01:00-02:00 happens twice): enqueued in the first
        # pass, answered and ended in the second; the wall times go backwards, the ACD's order does not
        C("CD01", agent_id="A0001", enqueued_at="2026-11-01 01:58:00", answered_at="2026-11-01 01:02:00",
          ended_at="2026-11-01 01:10:00"),
        # a wait that crosses into the overlap: 60 s before it, 30 s into its first pass
        C("CD02", agent_id="A0001", enqueued_at="2026-11-01 00:59:00", answered_at="2026-11-01 01:00:30",
          ended_at="2026-11-01 01:05:00"),
        # spring-forward gap (2026-03-08 02:00-03:00 never happens): answered at a wall time that does not exist
        C("CG01", agent_id="A0001", enqueued_at="2026-03-08 01:59:50", answered_at="2026-03-08 02:00:10",
          ended_at="2026-03-08 03:00:30"),
        C("CP01", agent_id="A0001", enqueued_at="1900-01-01 00:00:00", answered_at="1900-01-01 00:00:10",
          ended_at="1900-01-01 00:01:00"),                                       # implausible_timestamp
        C("CP02", agent_id="A0001", acw_s="4294967295"),                         # implausible_duration
        C("CP03", agent_id="A0001", ended_at="2026-03-03 09:05:00"),             # a 2-day leg: implausible_duration
        C("CP04", agent_id="A0001", enqueued_at="2026-03-01 09:00:00"),          # clean control
    ])
    (root / "telephony/calls/README.txt").write_text("exported by the ACD\n")    # other extension: listed
    # names starting with `.` or `_` are not exports (raw_file_rules): never read, never listed;
    # read, this one would stop the build (no contract column)
    (root / "telephony/calls/_export_log.csv").write_text("exported_at,rows\n2026-03-02,9\n")
    (root / "telephony/calls/.~lock.2026-03-01.csv#").write_text("editor lock\n")
    write_csv(root, "wfm/agent_states", "2026-03-01.csv", [
        ST("A0001", "available", "2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z"),
        ST("A0001", "available", "2026-03-01T03:00:00Z", "9999-12-31T23:59:59Z"),  # still open: implausible_timestamp
        ST("A0001", "offline", "2026-03-01T04:00:00Z", "2026-03-20T04:00:00Z"),    # 19 days: implausible_duration
    ])
    write_csv(root, "wfm/schedules", "2026-03-01.csv", [
        S("A0001", "2026-03-01T01:00:00Z", "2026-03-01T09:00:00Z"),
        S("A0001", "2026-03-02T01:00:00Z", "2026-03-04T09:00:00Z"),                # 56 h shift: implausible_duration
    ])
    # messages: a short row, a row with too many fields, a record cut off inside a quoted field
    good = [M("MG01", sent_at="2026-03-01T09:15:02+01:00"), M("MG02", sent_at="2026-03-01T09:16:02+01:00")]
    path = write_csv(root, "messaging/messages", "2026-03-01.csv", good)
    with path.open("a", encoding="utf-8") as f:
        # csv.writer ends lines with \r\n: the appended records do too (one line ending per file)
        f.write("MB01,web,CU0000001,customer\r\n")                                           # line 4: too few fields
        f.write("MB02,web,CU0000001,customer,message,,2026-03-01T09:17:02+01:00,5,,x\r\n")   # line 5: too many
        f.write('MG03,web,CU0000001,customer,message,,2026-03-01T09:18:02+01:00,7,""\r\n')  # line 6: good
        f.write('MB03,web,CU0000001,customer,message,,"2026-03-01T09:19:02+01')            # line 7: cut off
    return root


def csv_records(path: Path) -> int:
    """Records of a CSV file after its header, counted by Python's csv module (independent of DuckDB)."""
    with path.open(newline="", encoding="utf-8") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def parquet_rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("any_centre")
    raw = build_hardening_fixture(base / "raw")
    work = base / "work"
    proc = dbt(["build", "--select", "staging"], raw, work, CENTRE_VARS)
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    yield raw, con, proc
    con.close()


def reason(con, entity: str, key: str) -> str | None:
    found = con.execute(
        "select reason_code from staging.stg_rejected_rows where entity = ? and record_key = ?", [entity, key]
    ).fetchall()
    return found[0][0] if found else None


def call_times_utc(con, *call_ids: str) -> dict[str, tuple[str, str, str]]:
    """call_id -> (enqueued_at, answered_at, ended_at) as staged (naive UTC), as text."""
    return {r[0]: r[1:] for r in con.execute(
        "select call_id, cast(enqueued_at as varchar), cast(answered_at as varchar), cast(ended_at as varchar) "
        "from staging.stg_telephony__calls where list_contains(?, call_id)", [list(call_ids)]).fetchall()}


def test_autumn_overlap_keeps_the_acd_order(hardened):
    _, con, _ = hardened
    got = call_times_utc(con, "CD01", "CD02")
    # EDT = UTC-4 in the first pass, EST = UTC-5 in the second
    assert got["CD01"] == ("2026-11-01 05:58:00", "2026-11-01 06:02:00", "2026-11-01 06:10:00")
    assert got["CD02"] == ("2026-11-01 04:59:00", "2026-11-01 05:00:30", "2026-11-01 05:05:00")
    assert reason(con, "telephony__calls", "CD01") is None


def test_spring_forward_gap_reads_with_the_offset_before_the_change(hardened):
    _, con, _ = hardened
    assert call_times_utc(con, "CG01") == {"CG01": ("2026-03-08 06:59:50", "2026-03-08 07:00:10", "2026-03-08 07:00:30")}


def test_placeholder_timestamps_are_quarantined(hardened):
    _, con, _ = hardened
    assert reason(con, "telephony__calls", "CP01") == "implausible_timestamp"
    assert reason(con, "crm__agents", "A0003|2026-02-01T00:00:00Z") == "implausible_timestamp"
    assert reason(con, "wfm__agent_states", "A0001|2026-03-01T03:00:00Z") == "implausible_timestamp"


def test_old_master_data_is_not_a_placeholder(hardened):
    _, con, _ = hardened
    assert reason(con, "crm__agents", "A0004|2015-06-01T00:00:00Z") is None
    assert reason(con, "crm__customers", "CU0000003|2013-01-01T00:00:00Z") is None
    assert con.execute("select count(*) from staging.stg_crm__customers where customer_id = 'CU0000003'").fetchone()[0] == 1
    assert con.execute("select count(*) from staging.stg_crm__agents where agent_id = 'A0004'").fetchone()[0] == 1


def test_still_employed_placeholder_reads_as_open(hardened):
    _, con, _ = hardened
    assert con.execute("select left_on from staging.stg_crm__agents where agent_id = 'A0002'").fetchall() == [(None,)]


def test_implausible_durations_are_quarantined(hardened):
    _, con, _ = hardened
    assert reason(con, "telephony__calls", "CP02") == "implausible_duration"
    assert reason(con, "telephony__calls", "CP03") == "implausible_duration"
    assert reason(con, "wfm__agent_states", "A0001|2026-03-01T04:00:00Z") == "implausible_duration"
    assert reason(con, "wfm__schedules", "A0001|2026-03-02T01:00:00Z") == "implausible_duration"
    assert reason(con, "telephony__calls", "CP04") is None


def test_malformed_csv_records_are_quarantined_with_their_line(hardened):
    _, con, _ = hardened
    got = con.execute(
        "select source_line, json_extract_string(raw_record, '$.error_type') from staging.stg_rejected_rows "
        "where entity = 'messaging__messages' and reason_code = 'malformed_row' order by source_line").fetchall()
    assert [g[0] for g in got] == [4, 5, 7]
    assert got[0][1] == "MISSING COLUMNS" and got[1][1] == "TOO MANY COLUMNS"
    clean = {r[0] for r in con.execute("select message_id from staging.stg_messaging__messages").fetchall()}
    assert clean == {"MG01", "MG02", "MG03"}


def test_every_physical_record_is_accounted_for(hardened):
    raw, con, _ = hardened
    expected: dict[str, int] = {}
    for entity_dir in COLUMNS:
        n = 0
        for f in sorted((raw / entity_dir).glob("[!._]*")) if (raw / entity_dir).is_dir() else []:
            n += csv_records(f) if f.suffix == ".csv" else parquet_rows(f) if f.suffix == ".parquet" else 0
        expected[entity_dir.replace("/", "__")] = n
    got = {r[0]: r[1:] for r in con.execute(
        "select entity, raw_rows, clean_rows + rejected_rows + duplicate_rows + superseded_rows, malformed_rows "
        "from staging.stg_row_reconciliation").fetchall()}
    assert {e: g[0] for e, g in got.items()} == expected
    assert all(g[0] == g[1] for g in got.values())
    assert got["messaging__messages"][2] == 3


def test_binary_parquet_strings_come_out_as_text(hardened):
    _, con, _ = hardened
    cities = {r[0] for r in con.execute("select city from staging.stg_crm__customers").fetchall()}
    assert cities == {"上海", "Zürich", "Bern"}


def test_other_extensions_are_listed_as_skipped(hardened):
    raw, con, proc = hardened
    skipped = con.execute("select entity, file from raw.skipped_files").fetchall()
    assert skipped == [("telephony__calls", str((raw / "telephony/calls/README.txt").resolve()))]
    assert "skipped" in proc.stdout and "README.txt" in proc.stdout


def test_gbk_file_stops_with_one_line_saying_how_to_convert(tmp_path: Path):
    raw = tmp_path / "raw"
    write_csv(raw, "crm/agents", "2026-03-01.csv", [A("A0001")])
    path = raw / "crm/customers/2026-03-01.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(("customer_id,full_name,email,phone,city,segment,created_at,updated_at\n"
                      "CU1,张三,x@y.cn,13800138000,上海,vip,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n"
                      ).encode("gb18030"))
    proc = dbt(["run", "--select", "dim_date"], raw, tmp_path / "work")
    assert proc.returncode != 0
    assert f"Raw file {path.resolve()} is not UTF-8" in proc.stdout
    assert "iconv -f GB18030 -t UTF-8" in proc.stdout


def test_parquet_files_lacking_a_contract_column_are_named_in_path_order(tmp_path: Path):
    """create_raw_views groups Parquet files by schema in SQL: every file of a
    group lacking a contract column is named, across groups in path order,
    with the columns it lacks; a hidden file is never read."""
    raw = tmp_path / "raw"
    write_csv(raw, "crm/agents", "2026-03-01.csv", [A("A0001")])
    folder = raw / "crm/customers"
    folder.mkdir(parents=True)
    row = CU("CU0000001")

    def write(name: str, dropped: set[str]) -> Path:
        cols = [c for c in COLUMNS["crm/customers"] if c not in dropped]
        pq.write_table(pa.table({c: pa.array([row[c]], pa.string()) for c in cols}), folder / name)
        return (folder / name).resolve()

    write("2026-03-01.parquet", set())
    lacks_segment = write("2026-03-02.parquet", {"segment"})
    lacks_two = write("2026-03-03.parquet", {"city", "segment"})
    lacks_segment_too = write("2026-03-04.parquet", {"segment"})
    write("_draft.parquet", {"customer_id"})
    proc = dbt(["run", "--select", "dim_date"], raw, tmp_path / "work")
    assert proc.returncode != 0
    out = " ".join(proc.stdout.split())
    named = [out.index(f"entity crm__customers: file {path} lacks required column(s) {missing} (columns: ")
             for path, missing in [(lacks_segment, "segment"), (lacks_two, "city, segment"),
                                   (lacks_segment_too, "segment")]]
    assert named == sorted(named)
    assert "_draft.parquet" not in out and "2026-03-01.parquet" not in out


@pytest.mark.parametrize("bad, expected", [
    ({"reporting_timezone": "Mars/Olympus_Mons"}, "var reporting_timezone = Mars/Olympus_Mons is not a known IANA time zone"),
    ({"fcr_window_hours": -1}, "var fcr_window_hours = -1 is below its minimum 0"),
    ({"session_gap_minutes": "thirty"}, "var session_gap_minutes = thirty is not a whole number"),
    ({"interval_minutes": 20}, "var interval_minutes = 20 is not one of 15, 30, 60"),
    ({"service_level_target": 80}, "var service_level_target = 80 is not a number strictly between 0 and 1"),
])
def test_bad_settings_stop_before_any_model_with_one_line(tmp_path: Path, bad: dict, expected: str):
    raw = tmp_path / "raw"
    write_csv(raw, "crm/agents", "2026-03-01.csv", [A("A0001")])
    proc = dbt(["run", "--select", "dim_date"], raw, tmp_path / "work", bad)
    assert proc.returncode != 0
    assert expected in proc.stdout
    assert "1 of 1 START" not in proc.stdout  # no model ran


# ----------------------------------------------------------------- settings matrix

MATRIX = {
    # a centre in Zurich with a New York ACD and the README's FCR window; short abandons off
    "zurich_new_york": {"reporting_timezone": "Europe/Zurich", "telephony_timezone": "America/New_York",
                        "fcr_window_hours": 72, "short_abandon_s": 0, "service_level_s": 30,
                        "interval_minutes": 15, "service_level_target": 0.9},
    # southern hemisphere DST (Auckland ends DST in April) and London; zero windows, other gaps
    "auckland_london": {"reporting_timezone": "Pacific/Auckland", "telephony_timezone": "Europe/London",
                        "session_gap_minutes": 10, "chat_gap_cap_s": 60, "survey_match_hours": 0,
                        "conversion_window_days": 0, "slow_response_threshold_s": 30, "late_grace_s": 0,
                        "alert_min_volume": 0, "default_country_code": "64", "service_level_s": 0,
                        "interval_minutes": 60},
}


@pytest.fixture(scope="module")
def matrix_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from datetime import date

    from ccw.simulator import simulate_to_folder

    out = tmp_path_factory.mktemp("matrix") / "raw"
    # 2026-03-06 .. 2026-03-30: New York (03-08) and Europe (03-29) spring forward inside it
    simulate_to_folder(out, days=25, agents=6, seed=3, start=date(2026, 3, 6))
    return out


@pytest.mark.parametrize("name", list(MATRIX))
def test_settings_matrix_builds_green(matrix_raw: Path, tmp_path: Path, name: str):
    settings = MATRIX[name]
    proc = dbt(["build"], matrix_raw, tmp_path, settings)
    assert proc.returncode == 0, proc.stdout[-6000:]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        days = con.execute("select count(*), min(activity_date), max(activity_date) from marts.fct_agent_daily").fetchone()
        assert days[0] > 0 and str(days[1]) >= "2026-03-05" and str(days[2]) <= "2026-04-03"
        assert con.execute("select count(*) from marts.fct_agent_daily a anti join marts.dim_date d "
                           "on a.activity_date = d.date").fetchone()[0] == 0
        # the intervals of a day add up to the day, on the interval grid the settings ask for
        minutes = settings.get("interval_minutes", 30)
        assert con.execute(f"""select count(*) from marts.fct_queue_interval
            where minute(interval_start_local) % {minutes} <> 0 or second(interval_start_local) <> 0
               or interval_end_utc - interval_start_utc <> interval '{minutes} minutes'""").fetchone()[0] == 0
        assert con.execute("""select count(*) from (
            select queue, activity_date, sum(offered) as offered, sum(answered_within_sl) as sl
            from marts.fct_queue_interval group by all) as i
            full join marts.fct_queue_daily as d using (queue, activity_date)
            where i.offered is distinct from d.offered or i.sl is distinct from d.answered_within_sl""").fetchone()[0] == 0
        if settings.get("short_abandon_s") == 0:
            assert con.execute("select sum(short_abandons) from marts.fct_queue_daily").fetchone()[0] == 0
        # the settings change what the marts say, never which raw rows are rejected
        got = {(r[0], r[1]): r[2] for r in con.execute(
            "select entity, reason_code, count(*) from staging.stg_rejected_rows group by all").fetchall()}
    with (matrix_raw / "_ground_truth" / "rejected_by_reason.csv").open() as f:
        expected = {(r["entity"], r["reason_code"]): int(r["rows"]) for r in csv.DictReader(f) if int(r["rows"])}
    assert got == expected


# ----------------------------------------------------------------- changed raw files


def small_folder(root: Path) -> Path:
    write_csv(root, "crm/agents", "2026-03-01.csv", [A("A0001"), A("A0002")])
    write_csv(root, "telephony/calls", "2026-03-01.csv", [C("C001"), C("C002", agent_id="A0002")])
    write_csv(root, "telephony/calls", "2026-03-02.csv", [C("C003", enqueued_at="2026-03-02 09:00:00",
                                                            answered_at="2026-03-02 09:00:10",
                                                            ended_at="2026-03-02 09:03:00")])
    return root


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`small_folder` loaded once (staging only) in `<base>/live`, kept as `<base>/template`.

    The warehouse records each raw file's absolute path and dbt's partial parse its
    profile (the warehouse path): a copy elsewhere would be a moved raw folder with a
    full parse, so `loaded` puts the template back at the same path for each test."""
    base = tmp_path_factory.mktemp("loaded")
    raw = small_folder(base / "live" / "raw")
    proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, base / "live" / "work")
    assert proc.returncode == 0, proc.stdout[-3000:]
    shutil.copytree(base / "live", base / "template", symlinks=True)  # copy2: modification times kept
    return base


@pytest.fixture()
def loaded(loaded_once: Path):
    """A small folder loaded once (staging only), ready for an incremental build: each
    test gets the state of the first load afresh, at the same paths (the tests run one
    at a time)."""
    live = loaded_once / "live"
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(loaded_once / "template", live, symlinks=True)
    return live / "raw", live / "work"


def calls_in_staging(work: Path) -> set[str]:
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        return {r[0] for r in con.execute("select call_id from staging.stg_telephony__calls").fetchall()}


def test_a_touched_file_with_the_same_content_loads_on(loaded):
    raw, work = loaded
    path = raw / "telephony/calls/2026-03-01.csv"
    path.write_bytes(path.read_bytes())  # new modification time, same bytes
    proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, work)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert calls_in_staging(work) == {"C001", "C002", "C003"}


@pytest.mark.parametrize("change", ["rewrite_same_size", "rewrite_longer", "delete"])
def test_a_changed_loaded_file_stops_the_build_until_a_full_refresh(loaded, change: str):
    raw, work = loaded
    path = raw / "telephony/calls/2026-03-01.csv"
    if change == "delete":
        path.unlink()
        expected_calls = {"C003"}
    elif change == "rewrite_same_size":
        path.write_text(path.read_text().replace("C002", "C009"))
        expected_calls = {"C001", "C009", "C003"}
    else:
        write_csv(raw, "telephony/calls", "2026-03-01.csv", [C("C001"), C("C002", agent_id="A0002"), C("C004")])
        expected_calls = {"C001", "C002", "C003", "C004"}
    proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, work)
    assert proc.returncode != 0
    word = "deleted" if change == "delete" else "rewritten"
    assert f"Raw file {path.resolve()} was {word}" in proc.stdout
    assert "--full-refresh" in proc.stdout
    assert calls_in_staging(work) == {"C001", "C002", "C003"}  # nothing half-loaded
    if change != "rewrite_same_size":
        return  # the way back is the same for every change: shown once
    proc = dbt(["run", "--select", "+stg_telephony__calls", "--full-refresh"], raw, work)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert calls_in_staging(work) == expected_calls
    # and the next incremental build is green again
    assert dbt(["run", "--select", "+stg_telephony__calls"], raw, work).returncode == 0


def test_a_load_reads_only_new_csv_files_for_their_header(loaded):
    """A loaded CSV file's header line is recorded in raw.file_manifest when it
    is loaded; a later load takes it from there instead of reading the
    unchanged file again (create_raw_views), a --full-refresh reads every file."""
    raw, work = loaded
    path = (raw / "telephony/calls/2026-03-01.csv").resolve()
    with duckdb.connect(str(work / "warehouse.duckdb")) as con:
        recorded = dict(con.execute(
            "select source_file, header_line from raw.file_manifest where entity = 'telephony__calls'").fetchall())
        assert recorded[str(path)] == path.read_text().splitlines()[0]
        # a header without the contract's other columns: only a load that
        # took the header from the manifest sees it
        con.execute("update raw.file_manifest set header_line = 'call_id' where source_file = ?", [str(path)])
    proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, work)
    assert proc.returncode != 0
    assert str(path) in proc.stdout and "lacks required column(s)" in proc.stdout and "direction" in proc.stdout
    proc = dbt(["run", "--select", "+stg_telephony__calls", "--full-refresh"], raw, work)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert calls_in_staging(work) == {"C001", "C002", "C003"}


def test_a_moved_raw_folder_stops_the_build(loaded, tmp_path: Path):
    raw, work = loaded
    moved = raw.rename(tmp_path / "raw_moved")
    proc = dbt(["run", "--select", "+stg_telephony__calls"], moved, work)
    assert proc.returncode != 0
    assert "loaded from another raw folder" in proc.stdout and "--full-refresh" in proc.stdout
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from staging.base_telephony__calls_parsed").fetchone()[0] == 3  # not double counted


# ----------------------------------------------------------------- settings between loads


def recorded_settings(work: Path) -> dict[str, str]:
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        return dict(con.execute("select name, value from raw.build_settings").fetchall())


def test_a_load_under_other_settings_stops_until_a_whole_rebuild(loaded):
    """A load keeps the rows earlier loads decided: under other settings it would
    publish marts that mix both, so it stops before any model (check_build_settings)."""
    raw, work = loaded
    select = ["run", "--select", "+stg_telephony__calls"]
    other = {"telephony_timezone": "Europe/London", "fcr_window_hours": 72}
    for args in (select, [*select, "--full-refresh"]):  # a selection's full refresh decides only part of the rows
        proc = dbt(args, raw, work, other)
        assert proc.returncode != 0
        assert "Settings differ from those the warehouse was built with" in proc.stdout
        assert "var telephony_timezone Asia/Shanghai -> Europe/London" in proc.stdout
        assert "var fcr_window_hours 168 -> 72" in proc.stdout
        assert "--full-refresh" in proc.stdout
        assert "1 of 1 START" not in proc.stdout and "START sql" not in proc.stdout  # no model ran
    assert calls_in_staging(work) == {"C001", "C002", "C003"}
    # the same settings spelled otherwise, and settings only tables rebuilt by every load read, load on
    same = {"fcr_window_hours": "168", "service_level_target": "0.80", "alert_min_volume": 0, "holiday_country": "DE"}
    proc = dbt(select, raw, work, same)
    assert proc.returncode == 0, proc.stdout[-3000:]
    # a whole rebuild decides every row again: it records the new settings, and loads under them go on
    proc = dbt(["build", "--full-refresh", "--exclude-resource-type", "test", "unit_test"], raw, work, other)
    assert proc.returncode == 0, proc.stdout[-3000:]
    recorded = recorded_settings(work)
    assert recorded["var telephony_timezone"] == "Europe/London" and recorded["var fcr_window_hours"] == "72"
    assert dbt(select, raw, work, other).returncode == 0
    assert dbt(select, raw, work).returncode != 0  # and the defaults are now the other settings


def test_the_record_holds_the_seeds_incremental_models_read(loaded, project_root: Path):
    """The seeds an incremental model reads (SLA policies, business hours, holidays feed
    int_contact_sla) are recorded by dbt's checksum of their file; a changed one stops a load."""
    import hashlib

    raw, work = loaded
    recorded = recorded_settings(work)
    seeds = {name.removeprefix("seed "): value for name, value in recorded.items() if name.startswith("seed ")}
    assert set(seeds) == {"sla_policies", "business_hours", "public_holidays"}  # not kpi_targets: alerts are rebuilt
    for name, checksum in seeds.items():
        text = (project_root / "seeds" / f"{name}.csv").read_text(encoding="utf-8")
        assert checksum == hashlib.sha256(text.strip().encode()).hexdigest()  # dbt's: the file's text, stripped
    with duckdb.connect(str(work / "warehouse.duckdb")) as con:
        con.execute("update raw.build_settings set value = 'an older file' where name = 'seed sla_policies'")
    proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, work)
    assert proc.returncode != 0
    assert "seed sla_policies (its file changed)" in proc.stdout and "--full-refresh" in proc.stdout


def test_a_warehouse_stored_by_an_earlier_version_stops_a_load(loaded, project_root: Path):
    """How the incremental models store rows is versioned (storage_layout): a warehouse
    built by an earlier version of the project (no record of the layout, or an older
    number) would mix its rows with a load's, so the load stops asking for one rebuild."""
    import re

    raw, work = loaded
    layout = dict(re.findall(r"'(\w+)': '(\d+)'", re.search(
        r"macro storage_layout\(\) %}\s*{{ return\(({.*?})\) }}",
        (project_root / "macros" / "build_settings.sql").read_text(), re.S).group(1)))
    assert layout.get("staging_scope_key") == "2"  # '#' and the record hash for a keyless row
    assert {k: v for k, v in recorded_settings(work).items() if k.startswith("layout ")} == {
        f"layout {name}": version for name, version in layout.items()}
    for stored, shown in ((None, "(not recorded)"), ("1", "1")):
        with duckdb.connect(str(work / "warehouse.duckdb")) as con:
            if stored is None:
                con.execute("delete from raw.build_settings where name = 'layout staging_scope_key'")
            else:
                con.execute("insert into raw.build_settings values ('layout staging_scope_key', ?)", [stored])
        proc = dbt(["run", "--select", "+stg_telephony__calls"], raw, work)
        assert proc.returncode != 0
        assert (f"layout staging_scope_key {shown} -> 2 (the warehouse was built by an earlier version of the "
                "project)") in proc.stdout
        assert "--full-refresh" in proc.stdout and "START sql" not in proc.stdout


def test_settings_left_out_of_the_record_are_read_only_by_tables_every_load_rebuilds(loaded, project_root: Path):
    """alert_min_volume and holiday_country may change between loads (settings_rebuilt_every_load):
    only table models without an incremental model downstream may read them."""
    import json
    import re

    raw, work = loaded
    assert "var fcr_window_hours" in recorded_settings(work)
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    nodes, children = manifest["nodes"], manifest["child_map"]

    def downstream(uid: str) -> set[str]:
        seen, todo = set(), [uid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    exempt = re.search(r"settings_rebuilt_every_load\(\) %}.*?return\((\[.*?\])\)",
                       (project_root / "macros" / "build_settings.sql").read_text(), re.S).group(1)
    exempt = json.loads(exempt.replace("'", '"'))
    assert exempt == ["alert_min_volume", "holiday_country"]
    by_path = {n["original_file_path"]: uid for uid, n in nodes.items() if n["resource_type"] == "model"}
    for name in exempt:
        readers = [p.relative_to(project_root).as_posix() for folder in ("models", "macros")
                   for p in (project_root / folder).rglob("*.sql") if re.search(rf"var\(\s*['\"]{name}['\"]", p.read_text())]
        assert readers, name
        for path in readers:
            assert path in by_path, f"{name} is read by {path}, not a model: any model could call it"
            uid = by_path[path]
            assert nodes[uid]["config"]["materialized"] == "table", (name, path)
            assert not [d for d in downstream(uid) if nodes.get(d, {}).get("config", {}).get("materialized")
                        == "incremental"], (name, path)


def test_an_empty_raw_folder_fails_instead_of_publishing_empty_marts(tmp_path: Path):
    raw = tmp_path / "raw"
    (raw / "crm/agents").mkdir(parents=True)
    (raw / "telephony/calls").mkdir(parents=True)
    proc = dbt(["build"], raw, tmp_path / "work")
    assert proc.returncode != 0
    assert f"Raw folder {raw.resolve()} has no export files" in proc.stdout


def test_header_only_exports_fail_the_build_on_an_empty_agent_fact(tmp_path: Path):
    raw = tmp_path / "raw"
    for entity in COLUMNS:
        write_csv(raw, entity, "2026-03-01.csv", [])
    proc = dbt(["build"], raw, tmp_path / "work")
    assert proc.returncode != 0
    assert "not_empty_fct_agent_daily" in proc.stdout

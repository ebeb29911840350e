"""The data gate: Great Expectations over the built DuckDB warehouse.

Pandas path: each relation's suite runs through an ephemeral GX context
(nothing written to disk) as two checkpoints: the spec's columns exist (over
the relation's columns, no rows), and every other expectation over a
DataFrame of only the columns they read (read-only). Each checkpoint asks
for pass/fail only; the expectations that failed run again for the report's
counts and sample rows (SuiteRun.run). Two derived suites compare relations:

- `reconciliation`: one row per comparison (mart figure vs upstream figure),
  e.g. fct_contacts rows = int_contacts_unioned rows, sum of calls_answered
  in fct_agent_daily = answered inbound legs with an agent in
  int_call_legs_assembled; every pair must be equal.
- `freshness`: per daily mart, days between the reporting date of the newest
  raw event loaded (max event timestamp over the staging event entities) and
  the mart's newest `activity_date`; must be <= `freshness_days`.

A relation that does not exist is skipped with a warning (marts are written
in parallel); every other problem is a failed expectation in the report.
"""

from __future__ import annotations

import logging
import os
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ccw.checks.suite import TableSpec, pattern_rules, table_specs
from ccw.errors import CcwError

NUMERIC_PREFIXES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                    "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")  # fmt: skip

# Staging event timestamps that say "how new is the data loaded".
RAW_EVENT_COLUMNS = [
    ("staging", "stg_telephony__calls", "enqueued_at"),
    ("staging", "stg_messaging__messages", "sent_at"),
    ("staging", "stg_survey__responses", "responded_at"),
    ("staging", "stg_wfm__agent_states", "started_at"),
    ("staging", "stg_crm__tickets", "updated_at"),
    ("staging", "stg_crm__orders", "updated_at"),
    ("staging", "stg_crm__qa_evaluations", "evaluated_at"),
]
FRESHNESS_TABLES = ["fct_agent_daily", "fct_queue_daily", "fct_team_daily", "fct_contacts"]


@dataclass
class Failure:
    suite: str
    expectation: str
    column: str
    observed: str
    sample: str


@dataclass
class GateResult:
    evaluated: int = 0
    enforced: int = 0  # not-null / non-negative rules the warehouse's constraints enforce
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suites: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return not self.failures


# --------------------------------------------------------------------------- reading


class Warehouse:
    """Read-only access to the DuckDB file: which relations exist, their columns, frames."""

    def __init__(self, path: Path):
        from ccw.warehouse.build import connect_read_only

        self.con = connect_read_only(path)
        rows = self.con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
        self.columns: dict[str, dict[str, str]] = {}
        for schema, table, column, dtype in rows:
            self.columns.setdefault(f"{schema}.{table}", {})[column] = str(dtype).upper()
        # column rules the database itself enforces on every row written (the marts'
        # contract constraints, docs/quality-gates.md): (relation, column, 'not_null' | 'non_negative')
        self.enforced: set[tuple[str, str, str]] = set()
        for schema, table, kind, cols, expression in self.con.execute(
            "select schema_name, table_name, constraint_type, constraint_column_names, expression "
            "from duckdb_constraints() where constraint_type in ('NOT NULL', 'CHECK') "
            "and len(constraint_column_names) = 1"
        ).fetchall():
            column = cols[0]
            if kind == "NOT NULL":
                self.enforced.add((f"{schema}.{table}", column, "not_null"))
            elif re.fullmatch(rf'\(*"?{re.escape(column)}"?\s*>=\s*0\)*', (expression or "").strip()):
                self.enforced.add((f"{schema}.{table}", column, "non_negative"))

    def close(self) -> None:
        self.con.close()

    def has(self, relation: str) -> bool:
        return relation in self.columns

    def has_column(self, relation: str, column: str) -> bool:
        return column in self.columns.get(relation, {})

    def is_numeric(self, relation: str, column: str) -> bool:
        return self.columns.get(relation, {}).get(column, "").startswith(NUMERIC_PREFIXES)

    def frame(self, relation: str, columns: list[str] | None = None, rows: bool = True) -> pd.DataFrame:
        """The relation as a DataFrame: `columns` (default all) that exist, in table order;
        `rows=False`: no rows, only the columns and their types."""
        cols = []
        for name, dtype in self.columns[relation].items():
            if columns is not None and name not in columns:
                continue
            q = '"' + name.replace('"', '""') + '"'
            # decimals as doubles, so that range comparisons are plain floats
            cols.append(f"cast({q} as double) as {q}" if dtype.startswith(("DECIMAL", "HUGEINT")) else q)
        return self.con.execute(f"select {', '.join(cols)} from {relation}{'' if rows else ' limit 0'}").fetchdf()

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None


# --------------------------------------------------------------------------- GX plumbing


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    warnings.filterwarnings("ignore", module="great_expectations")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def gx_context():
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@dataclass
class Planned:
    """One expectation with what the report needs to show its failing rows."""

    expectation: Any
    columns: list[str]
    label: str  # column(s) shown in the report


class SuiteRun:
    """An expectation suite over one DataFrame, run through its own checkpoint."""

    def __init__(self, name: str, frame: pd.DataFrame | None, keys: list[str], part: str = "rows"):
        self.name = name
        self.part = part  # names this run's GX objects apart from another run of the same suite
        self.frame = frame  # None until the columns the expectations read are known (table_suites)
        self.keys = list(keys)
        self.planned: list[Planned] = []
        self.enforced = 0  # rules left to the database's constraints

    def add(self, expectation: Any, columns: list[str], label: str | None = None) -> None:
        self.planned.append(Planned(expectation, columns, label or ", ".join(columns)))

    def run(self, context, sample_rows: int) -> tuple[int, list[Failure]]:
        """Two passes: every expectation for pass/fail only (GX's BOOLEAN_ONLY result
        format: no unexpected-row lists, about 3x faster on a year's fct_contacts), then
        the failed ones again with the COMPLETE format for the report's counts and
        sample rows. A clean warehouse pays for the first pass only."""
        results = self._validate(context, self.planned, "pass", {"result_format": "BOOLEAN_ONLY"})
        failed = [planned for planned, er in results if not er.success]
        if not failed:
            return len(results), []
        # fresh copies: an expectation belongs to the one suite it was added to
        again = [Planned(type(p.expectation)(**_own_kwargs(p.expectation.configuration)), p.columns, p.label) for p in failed]
        details = self._validate(context, again, "detail",
                                 {"result_format": "COMPLETE", "partial_unexpected_count": sample_rows})
        return len(results), [self._failure(er.expectation_config, er, planned, sample_rows)
                              for planned, er in details if not er.success]

    def _validate(self, context, planned: list[Planned], tag: str, result_format: dict) -> list[tuple[Planned | None, Any]]:
        """Run `planned` over the frame through one checkpoint; (planned, result) per expectation."""
        import great_expectations as gx

        safe = f"{self.name.replace('.', '__')}__{self.part}__{tag}"
        source = context.data_sources.add_pandas(f"ds_{safe}")
        asset = source.add_dataframe_asset(f"asset_{safe}")
        batch_definition = asset.add_batch_definition_whole_dataframe(f"batch_{safe}")
        suite = context.suites.add(gx.ExpectationSuite(name=f"{self.name} ({self.part}, {tag})"))
        for item in planned:
            suite.add_expectation(item.expectation)
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate_{safe}", data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=f"checkpoint_{safe}", validation_definitions=[validation], result_format=result_format)
        )
        result = checkpoint.run(batch_parameters={"dataframe": self.frame})
        by_id = {p.expectation.id: p for p in planned if getattr(p.expectation, "id", None)}
        by_config = {_config_key(p.expectation.configuration): p for p in planned}
        return [(by_id.get(getattr(er.expectation_config, "id", None)) or by_config.get(_config_key(er.expectation_config)), er)
                for run_result in result.run_results.values() for er in run_result.results]

    def _failure(self, config, er, planned: Planned | None, sample_rows: int) -> Failure:
        kwargs = dict(config.kwargs)
        label = planned.label if planned else _columns_of(kwargs)
        columns = planned.columns if planned else []
        expectation = _describe(config.type, kwargs)
        res = er.result or {}
        exc = er.exception_info or {}
        if isinstance(exc, dict) and exc.get("raised_exception"):
            msg = str(exc.get("exception_message") or "error").splitlines()[0]
            return Failure(self.name, expectation, label, f"error: {msg[:120]}", "")
        if "unexpected_count" in res:
            n = res.get("unexpected_count") or 0
            total = res.get("element_count") or len(self.frame)
            observed = f"{n} of {total} rows"
            idx = list(res.get("unexpected_index_list") or [])[:sample_rows]
            sample = self._sample(idx, columns)
            if not sample:
                sample = ", ".join(repr(v) for v in list(res.get("partial_unexpected_list") or [])[:sample_rows])
            return Failure(self.name, expectation, label, observed, sample)
        observed_value = res.get("observed_value")
        details = res.get("details") or {}
        if isinstance(details, dict) and "mismatched" in details:
            missing = (details.get("mismatched") or {}).get("missing") or []
            observed = f"missing: {', '.join(map(str, missing))}" if missing else str(details.get("mismatched"))
            return Failure(self.name, expectation, label, observed, "")
        return Failure(self.name, expectation, label, _fmt(observed_value), "")

    def _sample(self, index: list, columns: list[str]) -> str:
        rows = []
        show = [c for c in [*self.keys, *columns] if c in self.frame.columns]
        show = list(dict.fromkeys(show))
        for i in index:
            if isinstance(i, dict):
                rows.append(" ".join(f"{k}={_fmt(v)}" for k, v in i.items()))
                continue
            try:
                row = self.frame.loc[i]
            except (KeyError, TypeError):
                continue
            rows.append(" ".join(f"{c}={_fmt(row[c])}" for c in show))
        return "; ".join(rows)


def _own_kwargs(config) -> dict:
    """The arguments that define an expectation: its configuration's kwargs without GX's own."""
    return {k: v for k, v in dict(config.kwargs).items() if k not in ("batch_id", "result_format")}


def _config_key(config) -> tuple:
    return (config.type, repr(sorted((k, repr(v)) for k, v in _own_kwargs(config).items())))


def _columns_of(kwargs: dict) -> str:
    for key in ("column", "column_list", "column_A"):
        if key in kwargs:
            value = kwargs[key]
            if key == "column_A":
                return f"{value} <= {kwargs.get('column_B')}"
            return ", ".join(value) if isinstance(value, list) else str(value)
    return "(table)"


def _describe(kind: str, kwargs: dict) -> str:
    kind = kind.removeprefix("expect_")
    if kind == "column_values_to_be_between":
        lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
        text = f"between {_fmt(lo)} and {_fmt(hi)}" if hi is not None else f">= {_fmt(lo)}"
        cond = kwargs.get("row_condition")
        if cond:
            cond = cond.get("pass_through_filter", cond) if isinstance(cond, dict) else cond
            text += f" where {cond}"
        return text
    if kind == "column_values_to_be_in_set":
        return f"in {sorted(kwargs.get('value_set') or [])}"
    if kind == "column_pair_values_a_to_be_greater_than_b":
        return "a >= b" if kwargs.get("or_equal") else "a > b"
    if kind == "column_pair_values_to_be_equal":
        return "mart = upstream"
    if kind == "table_columns_to_match_set":
        return "spec columns exist"
    return kind.replace("_", " ")


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    try:
        if pd.isna(value):
            return "null"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- suites


def table_suites(wh: Warehouse, spec: TableSpec) -> list[SuiteRun]:
    """The suite of one relation, run as two checkpoints under its name: the spec's
    columns exist (over the relation's columns and types, no rows), and every other
    expectation over a frame of only the columns they read. A column the spec
    only requires to exist is not loaded: on a year's fct_contacts, five text
    columns were two thirds of the time spent reading it into pandas."""
    import great_expectations as gx

    E = gx.expectations
    rel = spec.relation
    columns = wh.columns[rel]
    required = list(dict.fromkeys([*spec.keys, *spec.columns]))
    schema = SuiteRun(spec.suite_name, wh.frame(rel, rows=False), spec.keys, part="columns")
    schema.add(E.ExpectTableColumnsToMatchSet(column_set=required, exact_match=False), [], "(spec columns)")
    run = SuiteRun(spec.suite_name, None, spec.keys)
    present = set(columns)

    keys = [k for k in spec.keys if k in present]
    for key in keys:
        run.add(E.ExpectColumnValuesToNotBeNull(column=key), [key])
    if keys and len(keys) == len(spec.keys):
        if len(keys) == 1:
            run.add(E.ExpectColumnValuesToBeUnique(column=keys[0]), keys)
        else:
            run.add(E.ExpectCompoundColumnsToBeUnique(column_list=keys), keys, "(" + ", ".join(keys) + ")")

    checked: set[tuple[str, str]] = set()

    def between(column: str, lo: float | None, hi: float | None, kind: str) -> None:
        if column not in present or (column, kind) in checked:
            return
        checked.add((column, kind))
        if kind == "non_negative" and (rel, column, "non_negative") in wh.enforced:
            run.enforced += 1  # a check constraint (column >= 0) already refused any negative row
            return
        kwargs: dict[str, Any] = {"column": column, "min_value": lo}
        if hi is not None:
            kwargs["max_value"] = hi
        run.add(E.ExpectColumnValuesToBeBetween(**kwargs), [column])

    for column, (lo, hi) in spec.ranges.items():
        between(column, lo, hi, "range")
    for column in spec.non_negative:
        between(column, 0, None, "non_negative")
    for column in columns:
        if not wh.is_numeric(rel, column) or column in spec.ranges:
            continue
        rule = pattern_rules(column)
        if rule is None:
            continue
        kind, (lo, hi) = rule
        if kind == "rate":
            between(column, lo, hi, "range")
        elif (column, "range") not in checked:
            between(column, lo, hi, "non_negative")
    for column in spec.not_null:
        if column in present and (rel, column, "not_null") in wh.enforced:
            run.enforced += 1  # a not-null constraint already refused any null
        elif column in present:
            run.add(E.ExpectColumnValuesToNotBeNull(column=column), [column])
    for column, values in spec.in_sets.items():
        if column in present:
            run.add(E.ExpectColumnValuesToBeInSet(column=column, value_set=values), [column])
    for part, whole in spec.parts:
        if part in present and whole in present:
            run.add(
                E.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=whole, column_B=part, or_equal=True, ignore_row_if="either_value_is_missing"
                ),
                [part, whole],
                f"{part} <= {whole}",
            )
    for column, condition, lo, hi in spec.conditional_ranges:
        cond_cols = [c for c in present if c in condition]
        if column in present and cond_cols:
            run.add(
                E.ExpectColumnValuesToBeBetween(
                    column=column, min_value=lo, max_value=hi, row_condition=condition, condition_parser="pandas"
                ),
                [*cond_cols, column],
                column,
            )
    read = {*keys, *(c for p in run.planned for c in p.columns)}
    run.frame = wh.frame(rel, [c for c in columns if c in read])
    return [schema, run] if run.planned else [schema]


def reconciliation_frame(wh: Warehouse) -> pd.DataFrame:
    """One row per comparison whose two sides both exist: (check, mart_value, upstream_value)."""
    m, i, s = "marts", "intermediate", "staging"
    rows: list[tuple[str, Any, Any]] = []

    def compare(name: str, left_rel: str, left_sql: str, right_rel: list[str], right_sql: str) -> None:
        if wh.has(left_rel) and all(wh.has(r) for r in right_rel):
            try:
                rows.append((name, wh.scalar(left_sql), wh.scalar(right_sql)))
            except duckdb.Error as exc:  # a column the comparison needs is missing
                rows.append((name, f"error: {str(exc).splitlines()[0][:80]}", None))

    compare("fct_contacts rows = int_contacts_unioned rows",
            f"{m}.fct_contacts", f"select count(*) from {m}.fct_contacts",
            [f"{i}.int_contacts_unioned"], f"select count(*) from {i}.int_contacts_unioned")
    compare("fct_contacts calls = int_call_contacts_assembled rows",
            f"{m}.fct_contacts", f"select count(*) from {m}.fct_contacts where contact_type = 'call'",
            [f"{i}.int_call_contacts_assembled"], f"select count(*) from {i}.int_call_contacts_assembled")
    compare("fct_contacts chats = int_conversations_measured rows",
            f"{m}.fct_contacts", f"select count(*) from {m}.fct_contacts where contact_type = 'chat'",
            [f"{i}.int_conversations_measured"], f"select count(*) from {i}.int_conversations_measured")
    compare("sum fct_agent_daily.calls_answered = answered inbound legs with an agent",
            f"{m}.fct_agent_daily", f"select coalesce(sum(calls_answered), 0) from {m}.fct_agent_daily",
            [f"{i}.int_call_legs_assembled"],
            f"select count(*) from {i}.int_call_legs_assembled "
            "where is_answered and direction = 'inbound' and agent_id is not null")
    compare("sum fct_queue_daily.answered = answered inbound legs",
            f"{m}.fct_queue_daily", f"select coalesce(sum(answered), 0) from {m}.fct_queue_daily",
            [f"{i}.int_call_legs_assembled"],
            f"select count(*) from {i}.int_call_legs_assembled where is_answered and direction = 'inbound'")
    compare("sum fct_queue_daily.offered = inbound legs",
            f"{m}.fct_queue_daily", f"select coalesce(sum(offered), 0) from {m}.fct_queue_daily",
            [f"{i}.int_call_legs_assembled"],
            f"select count(*) from {i}.int_call_legs_assembled where direction = 'inbound'")
    compare("sum fct_agent_daily.calls_answered = sum fct_queue_daily.answered",
            f"{m}.fct_agent_daily", f"select coalesce(sum(calls_answered), 0) from {m}.fct_agent_daily",
            [f"{m}.fct_queue_daily"], f"select coalesce(sum(answered), 0) from {m}.fct_queue_daily")
    compare("sum fct_agent_daily.contacts_owned = handled owned contacts in fct_contacts",
            f"{m}.fct_agent_daily", f"select coalesce(sum(contacts_owned), 0) from {m}.fct_agent_daily",
            [f"{m}.fct_contacts"],
            f"select count(*) from {m}.fct_contacts where is_handled and owner_agent_id is not null")
    for measure in ("calls_answered", "contacts_owned", "tickets_solved", "csat_responses", "sales_orders", "scheduled_s"):
        if wh.has_column(f"{m}.fct_team_daily", measure) and wh.has_column(f"{m}.fct_agent_daily", measure):
            compare(f"sum fct_team_daily.{measure} = sum fct_agent_daily.{measure}",
                    f"{m}.fct_team_daily", f"select coalesce(sum({measure}), 0) from {m}.fct_team_daily",
                    [f"{m}.fct_agent_daily"], f"select coalesce(sum({measure}), 0) from {m}.fct_agent_daily")
    compare("fct_tickets rows = stg_crm__tickets rows",
            f"{m}.fct_tickets", f"select count(*) from {m}.fct_tickets",
            [f"{s}.stg_crm__tickets"], f"select count(*) from {s}.stg_crm__tickets")
    compare("fct_survey_responses rows = stg_survey__responses rows",
            f"{m}.fct_survey_responses", f"select count(*) from {m}.fct_survey_responses",
            [f"{s}.stg_survey__responses"], f"select count(*) from {s}.stg_survey__responses")
    compare("dim_customers rows = current customers",
            f"{m}.dim_customers", f"select count(*) from {m}.dim_customers",
            [f"{s}.stg_crm__customers"], f"select count(*) from {s}.stg_crm__customers where is_current")
    rec = f"{s}.stg_row_reconciliation"
    if wh.has(rec):
        try:
            for entity, raw, parts in wh.con.execute(
                f"select entity, raw_rows, clean_rows + rejected_rows + duplicate_rows + superseded_rows "
                f"from {rec} order by entity"
            ).fetchall():
                rows.append((f"{entity}: raw rows = clean + rejected + duplicate + superseded", raw, parts))
        except duckdb.Error as exc:
            rows.append(("stg_row_reconciliation", f"error: {str(exc).splitlines()[0][:80]}", None))
    frame = pd.DataFrame(rows, columns=["check", "mart_value", "upstream_value"])
    # compare as text: counts of any integer type, and an error text never equals a number
    for col in ("mart_value", "upstream_value"):
        frame[col] = frame[col].map(lambda v: None if v is None else (str(int(v)) if _is_number(v) else str(v)))
    return frame


def _is_number(v: Any) -> bool:
    try:
        return float(v) == int(float(v))
    except (TypeError, ValueError):
        return False


def reporting_timezone() -> str:
    """The `reporting_timezone` var of dbt_project.yml (default Asia/Shanghai)."""
    try:
        import yaml

        from ccw.paths import PROJECT_ROOT

        data = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
        return str((data.get("vars") or {}).get("reporting_timezone") or "Asia/Shanghai")
    except Exception:  # noqa: BLE001 - a default is fine for a freshness bound in days
        return "Asia/Shanghai"


def freshness_frame(wh: Warehouse) -> tuple[pd.DataFrame, str | None]:
    parts = [
        f"select max({col}) as ts from {schema}.{table}"
        for schema, table, col in RAW_EVENT_COLUMNS
        if wh.has_column(f"{schema}.{table}", col)
    ]
    if not parts:
        return pd.DataFrame(), "freshness: no staging event table found, skipped"
    tz = reporting_timezone()
    newest = wh.scalar(
        f"select cast(timezone('{tz}', timezone('UTC', max(ts))) as date) from ({' union all '.join(parts)})"
    )
    if newest is None:
        return pd.DataFrame(), "freshness: staging event tables are empty, skipped"
    rows = []
    for table in FRESHNESS_TABLES:
        rel = f"marts.{table}"
        if not wh.has_column(rel, "activity_date"):
            continue
        latest = wh.scalar(f"select max(activity_date) from {rel}")
        lag = None if latest is None else (pd.Timestamp(newest) - pd.Timestamp(latest)).days
        rows.append((table, _fmt(pd.Timestamp(latest)) if latest else None, _fmt(pd.Timestamp(newest)), lag))
    frame = pd.DataFrame(rows, columns=["mart", "newest_activity_date", "newest_raw_event_date", "lag_days"])
    return frame, None


def run_gate(warehouse: Path, freshness_days: int = 2, sample_rows: int = 3, tables: list[str] | None = None) -> GateResult:
    """Validate the warehouse. Never raises for a data problem: it is a Failure."""
    start = time.perf_counter()
    result = GateResult()
    wh = Warehouse(Path(warehouse))
    try:
        import great_expectations as gx

        E = gx.expectations
        context = gx_context()
        runs: list[SuiteRun] = []
        specs = [s for s in table_specs() if not tables or s.name in tables]
        for spec in specs:
            if not wh.has(spec.relation):
                result.warnings.append(f"{spec.relation} does not exist: skipped")
                continue
            runs.extend(table_suites(wh, spec))
        if not runs:
            raise CcwError(f"no relation to check in {warehouse}", "marts/staging schemas", "build the warehouse with `ccw build`")
        if not tables:
            rec = reconciliation_frame(wh)
            if len(rec):
                run = SuiteRun("reconciliation", rec, ["check"])
                run.add(
                    E.ExpectColumnPairValuesToBeEqual(column_A="mart_value", column_B="upstream_value", ignore_row_if="neither"),
                    ["mart_value", "upstream_value"],
                    "mart_value = upstream_value",
                )
                runs.append(run)
            fresh, note = freshness_frame(wh)
            if note:
                result.warnings.append(note)
            if len(fresh):
                run = SuiteRun("freshness", fresh, ["mart"])
                run.add(E.ExpectColumnValuesToNotBeNull(column="lag_days"), ["newest_activity_date", "newest_raw_event_date"], "lag_days")
                run.add(
                    E.ExpectColumnValuesToBeBetween(column="lag_days", max_value=freshness_days),
                    ["newest_activity_date", "newest_raw_event_date", "lag_days"],
                    "lag_days",
                )
                runs.append(run)
        for run in runs:
            evaluated, failures = run.run(context, sample_rows)
            if run.name not in result.suites:  # a table's suite runs as two checkpoints (table_suites)
                result.suites.append(run.name)
            result.evaluated += evaluated
            result.enforced += run.enforced
            result.failures.extend(failures)
    finally:
        wh.close()
    result.seconds = time.perf_counter() - start
    return result

"""Marts against the simulator's ground truth: every figure the ground truth
knows (its agent_daily, queue_daily, queue_interval and centre_interval CSV
columns) must equal the warehouse's fct_agent_daily, fct_queue_daily,
fct_queue_interval and fct_centre_interval, row by row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from test_marts_helpers import close

pytestmark = pytest.mark.slow


def _compare(truth: pd.DataFrame, mart: pd.DataFrame, keys: list[str], name: str) -> None:
    truth = truth.copy()
    truth["activity_date"] = pd.to_datetime(truth["activity_date"]).dt.date
    mart = mart.copy()
    mart["activity_date"] = pd.to_datetime(mart["activity_date"]).dt.date
    for k in keys:
        truth[k] = truth[k].astype(str)
        mart[k] = mart[k].astype(str)
    columns = [c for c in truth.columns if c in mart.columns and c not in keys]
    assert columns, f"{name}: the ground truth shares no figure with the mart"
    merged = truth.merge(mart[keys + columns], on=keys, how="left", suffixes=("_truth", "_mart"), indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    assert missing.empty, f"{name}: {len(missing)} ground-truth rows missing in the mart, e.g.\n{missing[keys].head(10)}"
    problems = []
    for col in columns:
        for _, row in merged.iterrows():
            t, m = row[f"{col}_truth"], row[f"{col}_mart"]
            t = None if pd.isna(t) else t
            m = None if pd.isna(m) else m
            if isinstance(t, str | date) or isinstance(m, str | date):
                ok = (t is None and m is None) or str(t) == str(m)
            else:
                ok = close(t, m, rel=1e-6, abs_=1e-3)
            if not ok:
                problems.append(f"{col} at {tuple(row[k] for k in keys)}: truth {t!r} mart {m!r}")
    by_col: dict[str, int] = {}
    for p in problems:
        by_col[p.split(" ", 1)[0]] = by_col.get(p.split(" ", 1)[0], 0) + 1
    assert not problems, f"{name}: {len(problems)} mismatches by column {by_col}\n" + "\n".join(problems[:30])


# Ground-truth figures that are not fct_agent_daily columns, derived from the marts
# (owned handled contacts of fct_contacts, by owner and contact day).
DERIVED_AGENT_FIGURES = """
with
owned as (
    select
        owner_agent_id as agent_id,
        activity_date,
        count(case when is_presales then 1 end) as presales_contacts,
        coalesce(sum(case when contact_type = 'chat' then handle_s end), 0) as handle_s_sum_chats
    from marts.fct_contacts
    where is_handled and owner_agent_id is not null
    group by all
)
select
    agent_daily.*,
    coalesce(owned.presales_contacts, 0) as presales_contacts,
    coalesce(owned.handle_s_sum_chats, 0) as handle_s_sum_chats,
    agent_daily.handle_s_sum - coalesce(owned.handle_s_sum_chats, 0) as handle_s_sum_calls
from marts.fct_agent_daily as agent_daily
left join owned
    on agent_daily.agent_id = owned.agent_id and agent_daily.activity_date = owned.activity_date
"""


def test_fct_agent_daily_matches_ground_truth(demo_raw: Path, demo_con) -> None:
    truth = pd.read_csv(demo_raw / "_ground_truth" / "agent_daily.csv")
    mart = demo_con.sql(DERIVED_AGENT_FIGURES).df()
    unknown = [c for c in truth.columns if c not in mart.columns]
    assert not unknown, f"ground-truth figures the marts cannot be compared on: {unknown}"
    _compare(truth, mart, ["agent_id", "activity_date"], "fct_agent_daily")


def test_fct_queue_daily_matches_ground_truth(demo_raw: Path, demo_con) -> None:
    truth = pd.read_csv(demo_raw / "_ground_truth" / "queue_daily.csv")
    mart = demo_con.sql("select * from marts.fct_queue_daily").df()
    _compare(truth, mart, ["queue", "activity_date"], "fct_queue_daily")


def test_agent_daily_rows_without_ground_truth_are_empty_of_known_figures(demo_raw: Path, demo_con) -> None:
    """A mart row the ground truth does not list must have zero for every count the truth knows."""
    truth = pd.read_csv(demo_raw / "_ground_truth" / "agent_daily.csv")
    truth["activity_date"] = pd.to_datetime(truth["activity_date"]).dt.date
    mart = demo_con.sql("select * from marts.fct_agent_daily").df()
    mart["activity_date"] = pd.to_datetime(mart["activity_date"]).dt.date
    keys = ["agent_id", "activity_date"]
    extra = mart.merge(truth[keys], on=keys, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    counts = [c for c in truth.columns if c in mart.columns and c not in keys and pd.api.types.is_integer_dtype(mart[c])]
    nonzero = extra[(extra[counts] != 0).any(axis=1)] if counts else extra.iloc[0:0]
    assert nonzero.empty, f"{len(nonzero)} agent-days have activity the ground truth does not know:\n{nonzero[keys + counts].head(10)}"


def test_fct_queue_interval_matches_ground_truth(demo_raw: Path, demo_con) -> None:
    """Offered, answered, abandons, service level, handle, holds and transfers per queue and
    30-minute interval, against the simulator's own interval arithmetic."""
    truth = pd.read_csv(demo_raw / "_ground_truth" / "queue_interval.csv")
    mart = demo_con.sql("select * from marts.fct_queue_interval").df()
    assert len(truth) > 100 and len(mart) == len(truth), (len(truth), len(mart))
    _compare(truth, mart, ["queue", "interval_start_utc"], "fct_queue_interval")


def test_fct_centre_interval_staffing_matches_ground_truth(demo_raw: Path, demo_con) -> None:
    """Agent seconds logged in, available and productive per interval, against the state log cut by the simulator."""
    truth = pd.read_csv(demo_raw / "_ground_truth" / "centre_interval.csv")
    mart = demo_con.sql("select * from marts.fct_centre_interval where logged_in_s > 0").df()
    assert len(truth) > 100 and len(mart) == len(truth), (len(truth), len(mart))
    _compare(truth, mart, ["interval_start_utc"], "fct_centre_interval")


def test_fct_ticket_backlog_daily_matches_ground_truth(demo_raw: Path, demo_con) -> None:
    """Created, solved, reopened and open-by-age tickets per day, team, channel and priority, against the
    simulator's day-by-day evaluation of each ticket's latest version (not the mart's running sums)."""
    truth = pd.read_csv(demo_raw / "_ground_truth" / "ticket_backlog_daily.csv")
    mart = demo_con.sql("select * from marts.fct_ticket_backlog_daily").df()
    assert truth["open_gt_7d"].sum() > 0 and truth["solved_reopened"].sum() > 0
    assert len(mart) == len(truth), (len(truth), len(mart))
    _compare(truth, mart, ["activity_date", "team", "channel", "priority"], "fct_ticket_backlog_daily")

"""SLA in business hours on the demo warehouse, against an independent Python
computation from the seeds (business_hours, public_holidays, sla_policies):
every ticket's resolution SLA and every contact's first-response SLA, and
their agent-day counts. The rules at their edges (weekend, holiday, DST, a
reply after hours, a policy change mid-ticket) are unit-tested in
models/intermediate/sla/_sla__unit_tests.yml."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.slow
UTC = ZoneInfo("UTC")
REPORTING = ZoneInfo("Asia/Shanghai")


class Calendar:
    """Each site's opening windows, from the seed files, with the standard library's zoneinfo."""

    def __init__(self, seeds: Path):
        self.hours: dict[str, dict[int, tuple[time, time]]] = defaultdict(dict)
        self.zone: dict[str, ZoneInfo] = {}
        self.country: dict[str, str] = {}
        with (seeds / "business_hours.csv").open() as fh:
            for row in csv.DictReader(fh):
                self.hours[row["site"]][int(row["iso_weekday"])] = (time.fromisoformat(row["opens_at"]),
                                                                     time.fromisoformat(row["closes_at"]))
                self.zone[row["site"]] = ZoneInfo(row["timezone"])
                self.country[row["site"]] = row["country_code"]
        self.holidays: set[tuple[str, date]] = set()
        with (seeds / "public_holidays.csv").open() as fh:
            for row in csv.DictReader(fh):
                self.holidays.add((row["country_code"], date.fromisoformat(row["holiday_date"])))

    def seconds(self, site: str, start: datetime, end: datetime) -> float:
        """Business seconds between two naive UTC datetimes."""
        zone = self.zone[site]
        total = 0.0
        day = start.replace(tzinfo=UTC).astimezone(zone).date() - timedelta(days=1)
        last = end.replace(tzinfo=UTC).astimezone(zone).date() + timedelta(days=1)
        while day <= last:
            window = self.hours[site].get(day.isoweekday())
            if window and (self.country[site], day) not in self.holidays:
                opens = datetime.combine(day, window[0], zone).astimezone(UTC).replace(tzinfo=None)
                closes = datetime.combine(day, window[1], zone).astimezone(UTC).replace(tzinfo=None)
                total += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
            day += timedelta(days=1)
        return total


def _policies(seeds: Path) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with (seeds / "sla_policies.csv").open() as fh:
        for row in csv.DictReader(fh):
            out[(row["priority"], row["channel"])].append(row)
    return out


def _policy(policies, priority: str, channel: str, day: date) -> dict | None:
    valid = [p for p in policies[(priority, channel)] if date.fromisoformat(p["valid_from"]) <= day]
    return max(valid, key=lambda p: p["valid_from"]) if valid else None


def _reporting_date(ts: datetime) -> date:
    return ts.replace(tzinfo=UTC).astimezone(REPORTING).date()


@pytest.fixture()
def expected(project_root: Path, demo_con):
    seeds = project_root / "seeds"
    cal = Calendar(seeds)
    policies = _policies(seeds)
    sites = {a: (s if s in cal.hours else "default") for a, s in demo_con.execute(
        "select agent_id, site from staging.stg_crm__agents where is_current").fetchall()}
    tickets = demo_con.execute(
        """select ticket_id, priority, channel, status, assignee_agent_id, created_at, solved_at
           from staging.stg_crm__tickets""").fetchall()
    horizon = demo_con.execute("select max(updated_at) from staging.stg_crm__tickets").fetchone()[0]
    ticket_met: dict[str, bool | None] = {}
    ticket_breached: dict[str, bool] = {}
    for tid, priority, channel, status, assignee, created, solved in tickets:
        policy = _policy(policies, priority, channel, _reporting_date(created))
        solved = solved if status in ("solved", "closed") else None
        site = sites.get(assignee, "default")
        end = max(created, solved or horizon)
        elapsed = None
        if policy and policy["resolution_target_s"]:
            target = float(policy["resolution_target_s"])
            elapsed = cal.seconds(site, created, end) if policy["hours"] == "business" else (end - created).total_seconds()
            ticket_met[tid] = (elapsed <= target) if solved else None
            ticket_breached[tid] = elapsed > target
        else:
            ticket_met[tid] = None
            ticket_breached[tid] = False
    priorities = dict(demo_con.execute("select ticket_id, priority from staging.stg_crm__tickets").fetchall())
    contacts = demo_con.execute(
        """select contact_id, contact_type, owner_agent_id, ticket_id, activity_date, started_at,
                  coalesce(first_response_s, wait_s)
           from marts.fct_contacts where coalesce(first_response_s, wait_s) is not null""").fetchall()
    contact_met: dict[str, bool] = {}
    for cid, ctype, owner, ticket, day, started, response in contacts:
        policy = _policy(policies, priorities.get(ticket, "normal"), "phone" if ctype == "call" else "chat", day)
        if not policy or not policy["first_response_target_s"]:
            continue
        site = sites.get(owner, "default")
        took = (cal.seconds(site, started, started + timedelta(seconds=float(response)))
                if policy["hours"] == "business" else float(response))
        contact_met[cid] = took <= float(policy["first_response_target_s"])
    return ticket_met, ticket_breached, contact_met


def test_every_ticket_resolution_sla_matches(expected, demo_con) -> None:
    ticket_met, ticket_breached, _ = expected
    got = {t: (m, b) for t, m, b in demo_con.execute(
        "select ticket_id, is_resolution_sla_met, is_resolution_sla_breached from marts.fct_tickets").fetchall()}
    assert sum(1 for m in ticket_met.values() if m is False) > 0 and sum(1 for m in ticket_met.values() if m) > 0
    wrong = [(t, got.get(t), (ticket_met[t], ticket_breached[t])) for t in ticket_met
             if got.get(t) != (ticket_met[t], ticket_breached[t])]
    assert not wrong, f"{len(wrong)} tickets differ, e.g. {wrong[:5]}"


def test_every_contact_first_response_sla_matches(expected, demo_con) -> None:
    _, _, contact_met = expected
    got = dict(demo_con.execute(
        "select contact_id, is_first_response_sla_met from marts.fct_contacts "
        "where is_first_response_sla_met is not null").fetchall())
    assert len(contact_met) > 1000 and 0 < sum(contact_met.values()) < len(contact_met)
    assert got == contact_met


def test_agent_day_sla_counts_add_up(expected, demo_con) -> None:
    """The agent-day SLA measures count the solved tickets and owned contacts above, so team and centre
    rates roll up exactly."""
    ticket_met, _, contact_met = expected
    sums = demo_con.execute(
        """select sum(resolution_sla_tickets), sum(resolution_sla_met), sum(first_response_sla_contacts),
                  sum(first_response_sla_met) from marts.fct_agent_daily""").fetchone()
    solved_with_target = demo_con.execute(
        """select count(*), count(*) filter (where is_resolution_sla_met) from marts.fct_tickets
           where is_resolution_sla_met is not null and assignee_agent_id is not null""").fetchone()
    owned = demo_con.execute(
        """select count(*), count(*) filter (where is_first_response_sla_met) from marts.fct_contacts
           where is_first_response_sla_met is not null and is_handled and owner_agent_id is not null""").fetchone()
    assert (sums[0], sums[1]) == solved_with_target
    assert (sums[2], sums[3]) == owned
    assert sums[1] == sum(1 for t, m in ticket_met.items() if m) - demo_con.execute(
        "select count(*) from marts.fct_tickets where is_resolution_sla_met and assignee_agent_id is null").fetchone()[0]
    assert owned[0] <= len(contact_met)

"""Operations views on the demo warehouse: transfers and holds reconcile across
the agent, queue and contact grains (the rules are unit-tested in
models/intermediate/calls/_calls__unit_tests.yml and models/marts/fct_queue_interval.yml),
the simulated centre behaves like a real one, and Erlang C agrees with published
tables in Python and SQL alike."""

from __future__ import annotations

import pytest


def test_transfers_and_holds_reconcile_across_grains(demo_con) -> None:
    agent, queue, legs, owned, queued, contacts, held_a, held_q, held_legs = demo_con.execute(
        """select
            (select sum(transfers_out) from marts.fct_agent_daily),
            (select sum(transfers_out) from marts.fct_queue_daily),
            (select sum(answered_legs - 1) from intermediate.int_call_contacts_assembled where answered_legs > 1),
            (select sum(transferred_contacts) from marts.fct_agent_daily),
            (select sum(transferred_contacts) from marts.fct_queue_daily),
            (select count(*) from marts.fct_contacts as c
                inner join intermediate.int_call_contacts_assembled as a on c.source_ref = a.root_call_id
                where c.contact_type = 'call' and a.answered_legs > 1),
            (select sum(held_calls) from marts.fct_agent_daily),
            (select sum(held_calls) from marts.fct_queue_daily),
            (select count(*) from intermediate.int_call_legs_assembled
                where direction = 'inbound' and is_answered and hold_s > 0)"""
    ).fetchone()
    assert legs > 0 and agent == queue == legs, "every answered leg but a contact's last is one transfer out"
    assert contacts > 0 and owned == queued == contacts, "a transferred contact counts once per grain"
    assert held_legs > 0 and held_a == held_q == held_legs
    rates = demo_con.execute(
        """select count(*) filter (where transfer_rate is distinct from transfers_out / nullif(calls_answered, 0)
                                   or hold_rate is distinct from held_calls / nullif(calls_answered, 0)
                                   or avg_hold_s is distinct from hold_s_sum / nullif(held_calls, 0))
           from marts.fct_team_daily"""
    ).fetchone()[0]
    assert rates == 0


def test_the_demo_looks_like_a_real_centre(demo_con) -> None:
    """The simulator staffs each hour from its forecast with Erlang C (with noise, absences and spikes):
    most queue-days near 80/20, a few percent abandonment, alerts on a minority of agent-days, chat first
    responses around their 60 s target with a long tail, and no hour in which callers wait and nobody answers
    (at least 3 callers: one night caller who queued behind the only agent and left a voicemail is the queue
    at work, not a gap in the staffing)."""
    sl_median, share_meeting, abandon_median = demo_con.execute(
        """select median(service_level), avg((service_level >= 0.8)::int), median(abandonment_rate)
           from marts.fct_queue_daily where service_level is not null""").fetchone()
    assert 0.75 <= sl_median <= 0.95 and share_meeting >= 0.5, (sl_median, share_meeting)
    assert 0.005 <= abandon_median <= 0.08, abandon_median
    alert_share = demo_con.execute(
        """select count(distinct (a.scope_id, a.activity_date)) / (select count(*) from marts.fct_agent_daily
                  where contacts_owned > 0 or scheduled_s > 0)
           from marts.fct_kpi_alerts as a where a.scope = 'agent'""").fetchone()[0]
    assert 0.05 <= alert_share < 0.5, alert_share
    fr_median, fr_p90 = demo_con.execute(
        "select median(first_response_s), quantile_cont(first_response_s, 0.9) from marts.fct_contacts").fetchone()
    assert 20 <= fr_median <= 60 and fr_p90 > 1.5 * fr_median, (fr_median, fr_p90)
    unanswered_hours = demo_con.execute(
        """select count(*) from (
               select activity_date, hour(interval_start_local), sum(offered - short_abandons) as waiting,
                      sum(answered) as answered
               from marts.fct_centre_interval group by all)
           where waiting >= 3 and answered = 0""").fetchone()[0]
    assert unanswered_hours == 0


def test_no_alert_on_the_partial_last_day(demo_con) -> None:
    """The data ends during its last day (its last contact starts before the next midnight): no alert for it."""
    alerts = demo_con.execute(
        """select count(*) filter (where activity_date = (select max(activity_date)
                  from marts.fct_agent_daily))
           from marts.fct_kpi_alerts""").fetchone()[0]
    assert alerts == 0
    assert demo_con.execute("select count(*) from marts.fct_kpi_alerts").fetchone()[0] > 0


@pytest.mark.parametrize("agents, traffic, threshold_s, aht_s, wait, level, required", [
    # Mitan, "The Erlang-C formula": 360 calls per half hour of 240 s, 55 agents, 15 s target
    (55, 48.0, 15, 240, 0.2387, 0.8459, 55),
    # Call Centre Helper, "Erlang C formula made simple": 100 calls per 30 minutes of 180 s, 14 agents, 80/20
    (14, 10.0, 20, 180, 0.1741, 0.8884, 14),
])
def test_simulator_erlang_c_matches_published_tables(agents, traffic, threshold_s, aht_s, wait, level, required):
    from ccw.simulator.erlang import agents_required, erlang_c, service_level

    assert round(erlang_c(agents, traffic), 4) == wait
    assert round(service_level(agents, traffic, threshold_s, aht_s), 4) == level
    assert agents_required(traffic, 0.8, threshold_s, aht_s) == required
    assert service_level(required - 1, traffic, threshold_s, aht_s) < 0.8


def test_operations_marts_match_erlang_and_reconcile(demo_con) -> None:
    """fct_centre_interval's requirement is the smallest N the Python Erlang C accepts, on every interval."""
    from ccw.simulator.erlang import agents_required

    rows = demo_con.execute(
        """select traffic_erlangs, handle_s_sum / answered, agents_required from marts.fct_centre_interval
           where traffic_erlangs > 0""").fetchall()
    assert len(rows) > 100
    bad = [(a, h, n) for a, h, n in rows if agents_required(a, 0.8, 20, h) != n]
    assert not bad, bad[:5]

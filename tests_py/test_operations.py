"""Transfers and holds reconcile across the agent, queue and contact grains
on the demo warehouse (the rules themselves are unit-tested in
models/intermediate/calls/_calls__unit_tests.yml and models/marts/fct_queue_daily.yml)."""

from __future__ import annotations


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

"""What the data gate expects of the warehouse, table by table.

The column lists come from the public contract (shared spec,
marts-and-kpis.md). Each table gets one expectation suite:

- the spec's columns exist (extra columns are allowed);
- the grain's key is not null and unique (compound keys together);
- rates (`*_rate`, `*_pct`, `service_level`) are in [0, 1], `nps` in
  [-100, 100], scores in their scales (CSAT 1-5, NPS 0-10, QA 0-100);
- durations (`*_s`), sums (`*_sum`) and counts are >= 0, and counts and sums
  are never null (the spec: "0, never null");
- sub-counts are not larger than the count they are part of
  (e.g. `chats_replied <= chats_assigned`).

Rules by name pattern also apply to columns the spec does not list (a
teammate's extra `*_rate` column is checked too). Cross-table row counts
(reconciliation) and freshness are built in `ccw.checks.gx_gate`, because
they compare two relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# -- fct_agent_daily measures, straight from the spec's column table ---------
AGENT_COUNTS = [
    "calls_answered", "outbound_calls", "chats_handled", "contacts_owned", "customers_served",
    "tickets_solved", "first_responses", "slow_first_responses", "responses", "chats_assigned",
    "chats_replied", "agent_messages", "customer_messages", "csat_responses", "csat_score_sum",
    "csat_satisfied", "negative_reviews", "positive_reviews", "nps_responses", "nps_promoters",
    "nps_detractors", "complaints", "qa_evaluations", "qa_score_sum", "fcr_eligible_contacts",
    "fcr_contacts", "repeat_contacts", "presales_customers", "buyers_next_day", "buyers_final",
    "sales_orders", "sales_amount", "sales_units", "shifts_started", "shifts_attended",
    "shifts_on_time",
]  # fmt: skip
AGENT_SECONDS = [
    "answer_wait_s_sum", "hold_s_sum", "handle_s_sum", "first_response_s_sum", "response_s_sum",
    "resolution_s_sum", "scheduled_s", "logged_in_s", "available_s", "on_contact_s", "acw_s",
    "break_s", "adherent_s",
]  # fmt: skip
AGENT_AVERAGES = [
    "asa_s", "aht_s", "avg_first_response_s", "avg_response_s", "avg_resolution_s", "aov",
    "units_per_buyer", "answer_question_ratio",
]  # fmt: skip
AGENT_RATES = [
    "reply_rate", "csat_pct", "negative_review_rate", "positive_review_rate", "complaint_rate",
    "fcr_rate", "repeat_contact_rate", "next_day_conversion_rate", "final_conversion_rate",
    "adherence_rate", "occupancy_rate", "attendance_rate", "punctuality_rate",
]  # fmt: skip
AGENT_SCORES = {"csat_avg": (1, 5), "qa_score_avg": (0, 100), "nps": (-100, 100)}
# (part, whole): part <= whole on every row
AGENT_PARTS = [
    ("chats_replied", "chats_assigned"),
    ("slow_first_responses", "first_responses"),
    ("csat_satisfied", "csat_responses"),
    ("nps_promoters", "nps_responses"),
    ("nps_detractors", "nps_responses"),
    ("fcr_contacts", "fcr_eligible_contacts"),
    ("repeat_contacts", "fcr_eligible_contacts"),
    ("fcr_eligible_contacts", "contacts_owned"),
    ("complaints", "contacts_owned"),
    ("buyers_next_day", "buyers_final"),
    ("buyers_final", "presales_customers"),
    ("shifts_attended", "shifts_started"),
    ("shifts_on_time", "shifts_attended"),
    ("adherent_s", "scheduled_s"),
]
AGENT_MEASURES = AGENT_COUNTS + AGENT_SECONDS + AGENT_AVERAGES + AGENT_RATES + list(AGENT_SCORES)

QUEUE_COUNTS = ["offered", "answered", "answered_within_sl", "abandoned", "short_abandons", "answer_wait_s_sum"]

# Name patterns applied to every numeric column present in a checked table.
RATE_SUFFIXES = ("_rate", "_pct")
RATE_NAMES = ("service_level",)
NON_NEGATIVE_SUFFIXES = ("_s", "_s_sum", "_sum", "_count", "_seconds")


@dataclass
class TableSpec:
    """The expectations of one relation. `schema.name` is the DuckDB relation."""

    schema: str
    name: str
    keys: list[str]
    columns: list[str] = field(default_factory=list)  # must exist (beside keys)
    rates: list[str] = field(default_factory=list)  # in [0, 1]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    non_negative: list[str] = field(default_factory=list)
    not_null: list[str] = field(default_factory=list)
    in_sets: dict[str, list[str]] = field(default_factory=dict)
    parts: list[tuple[str, str]] = field(default_factory=list)  # (a, b): a <= b
    # (column, pandas row condition, min, max)
    conditional_ranges: list[tuple[str, str, float, float]] = field(default_factory=list)
    layer: str = "marts"

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def suite_name(self) -> str:
        return f"{self.schema}.{self.name}"


def table_specs() -> list[TableSpec]:
    team_measures = list(AGENT_MEASURES)
    return [
        TableSpec(
            "marts", "fct_agent_daily",
            keys=["agent_id", "activity_date"],
            columns=["team", "site", *AGENT_MEASURES, "is_final"],
            rates=AGENT_RATES,
            ranges=dict(AGENT_SCORES),
            non_negative=AGENT_COUNTS + AGENT_SECONDS + AGENT_AVERAGES,
            not_null=AGENT_COUNTS + AGENT_SECONDS + ["is_final"],
            parts=AGENT_PARTS,
        ),
        TableSpec(
            "marts", "fct_team_daily",
            keys=["team", "activity_date"],
            columns=team_measures,
            rates=AGENT_RATES,
            ranges=dict(AGENT_SCORES),
            non_negative=AGENT_COUNTS + AGENT_SECONDS + AGENT_AVERAGES,
            not_null=AGENT_COUNTS + AGENT_SECONDS,
            parts=AGENT_PARTS,
        ),
        TableSpec(
            "marts", "fct_queue_daily",
            keys=["queue", "activity_date"],
            columns=[*QUEUE_COUNTS, "service_level", "abandonment_rate", "asa_s"],
            rates=["service_level", "abandonment_rate"],
            non_negative=[*QUEUE_COUNTS, "asa_s"],
            not_null=QUEUE_COUNTS,
            parts=[
                ("answered_within_sl", "answered"),
                ("answered", "offered"),
                ("abandoned", "offered"),
                ("short_abandons", "offered"),
            ],
        ),
        TableSpec(
            "marts", "fct_contacts",
            keys=["contact_id"],
            columns=[
                "contact_type", "channel", "source_ref", "customer_id", "owner_agent_id", "queue",
                "activity_date", "started_at", "ended_at", "is_handled", "ticket_id", "is_complaint",
                "is_presales", "wait_s", "handle_s", "first_response_s", "csat_score", "nps_score",
                "is_fcr", "is_repeat",
            ],  # fmt: skip
            ranges={"csat_score": (1, 5), "nps_score": (0, 10)},
            non_negative=["wait_s", "handle_s", "first_response_s"],
            not_null=["contact_type", "channel", "activity_date", "started_at", "ended_at", "is_handled"],
            in_sets={"contact_type": ["call", "chat"], "channel": ["phone", "web", "app", "social"]},
            parts=[("started_at", "ended_at")],
        ),
        TableSpec(
            "marts", "fct_tickets",
            keys=["ticket_id"],
            non_negative=["resolution_s", "reopen_count"],
        ),
        TableSpec(
            "marts", "fct_survey_responses",
            keys=["response_id"],
            columns=["contact_id"],
            conditional_ranges=[
                ("score", 'survey == "csat"', 1, 5),
                ("score", 'survey == "nps"', 0, 10),
            ],
        ),
        TableSpec("marts", "fct_kpi_alerts", keys=["scope", "scope_id", "activity_date", "metric"]),
        TableSpec("marts", "dim_agents", keys=["agent_id", "valid_from"]),
        TableSpec("marts", "dim_customers", keys=["customer_id"]),
        TableSpec("marts", "dim_date", keys=["date"]),
        # staging entities: the two the marts lean on most
        TableSpec(
            "staging", "stg_telephony__calls",
            keys=["call_id"],
            columns=["direction", "queue", "agent_id", "enqueued_at", "answered_at", "ended_at", "hold_s", "acw_s", "disposition"],
            non_negative=["hold_s", "acw_s"],
            not_null=["direction", "enqueued_at", "ended_at"],
            in_sets={
                "direction": ["inbound", "outbound"],
                "disposition": ["answered", "abandoned", "transferred", "voicemail"],
            },
            parts=[("enqueued_at", "answered_at"), ("enqueued_at", "ended_at")],
            layer="staging",
        ),
        TableSpec(
            "staging", "stg_survey__responses",
            keys=["response_id"],
            columns=["survey", "channel", "score", "sent_at", "responded_at"],
            in_sets={"survey": ["csat", "nps"], "channel": ["phone", "chat"]},
            conditional_ranges=[
                ("score", 'survey == "csat"', 1, 5),
                ("score", 'survey == "nps"', 0, 10),
            ],
            parts=[("sent_at", "responded_at")],
            layer="staging",
        ),
    ]


def pattern_rules(column: str) -> tuple[str, tuple[float | None, float | None]] | None:
    """The rule a column name implies, for numeric columns: ('rate', (0, 1)) or
    ('non_negative', (0, None)); None when the name implies nothing."""
    if column in RATE_NAMES or column.endswith(RATE_SUFFIXES):
        return "rate", (0, 1)
    if column.endswith(NON_NEGATIVE_SUFFIXES) or column.startswith(("n_", "num_")):
        return "non_negative", (0, None)
    return None

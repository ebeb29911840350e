"""What the data gate expects of the warehouse, table by table.

The column lists come from the public contract (shared spec,
marts-and-kpis.md); those of the daily facts from the KPI catalogue
(macros/kpis/kpi_catalogue.sql), so a new KPI is checked without an edit
here. Each table gets one expectation suite:

- the spec's columns exist (extra columns are allowed);
- the grain's key is not null and unique (compound keys together);
- every KPI lies in its catalogue range (rates in [0, 1], `nps` in
  [-100, 100], CSAT 1-5, QA 0-100, averages >= 0), scores in their scales;
- measures (counts, sums, durations) are >= 0 and never null (the spec:
  "0, never null");
- sub-counts are not larger than the count they are part of
  (e.g. `chats_replied <= chats_assigned`).

Rules by name pattern also apply to columns the spec does not list (a
teammate's extra `*_rate` column is checked too). Cross-table row counts
(reconciliation) and freshness are built in `ccw.checks.gx_gate`, because
they compare two relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ccw.warehouse import catalogue

# -- measures and KPIs of the daily facts: the KPI catalogue -----------------
_CATALOGUE = catalogue.load()
# additive measures: 0 when nothing was counted, never null, never negative
AGENT_MEASURES = [m.name for m in _CATALOGUE.measures("agent_day")]
QUEUE_MEASURES = [m.name for m in _CATALOGUE.measures("queue_day")]
# KPI columns: the range each lies in ((lo, None): at least lo); null when
# their denominator is 0
AGENT_KPI_RANGES = {k.name: k.range for k in _CATALOGUE.kpis("agent_day", columns_only=True)}
QUEUE_KPI_RANGES = {k.name: k.range for k in _CATALOGUE.kpis("queue_day", columns_only=True)}
# (part, whole): part <= whole on every row
AGENT_PARTS = [
    ("chats_replied", "chats_assigned"),
    ("held_calls", "calls_answered"),
    ("transfers_out", "calls_answered"),
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
# Name patterns applied to every numeric column present in a checked table.
RATE_SUFFIXES = ("_rate", "_pct")
RATE_NAMES = ("service_level",)
# durations that are signed by definition (a margin that goes negative once a target is breached)
SIGNED_NAMES = ("resolution_time_to_breach_s",)
NON_NEGATIVE_SUFFIXES = ("_s", "_s_sum", "_sum", "_count", "_seconds")


@dataclass
class TableSpec:
    """The expectations of one relation. `schema.name` is the DuckDB relation."""

    schema: str
    name: str
    keys: list[str]
    columns: list[str] = field(default_factory=list)  # must exist (beside keys)
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # (lo, hi); None: open
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
    agent_columns = AGENT_MEASURES + list(AGENT_KPI_RANGES)
    return [
        TableSpec(
            "marts", "fct_agent_daily",
            keys=["agent_id", "activity_date"],
            columns=["team", "site", *agent_columns, "is_final"],
            ranges=dict(AGENT_KPI_RANGES),
            non_negative=AGENT_MEASURES,
            not_null=[*AGENT_MEASURES, "is_final"],
            parts=AGENT_PARTS,
        ),
        TableSpec(
            "marts", "fct_team_daily",
            keys=["team", "activity_date"],
            columns=agent_columns,
            ranges=dict(AGENT_KPI_RANGES),
            non_negative=AGENT_MEASURES,
            not_null=AGENT_MEASURES,
            parts=AGENT_PARTS,
        ),
        TableSpec(
            "marts", "fct_queue_daily",
            keys=["queue", "activity_date"],
            columns=QUEUE_MEASURES + list(QUEUE_KPI_RANGES),
            ranges=dict(QUEUE_KPI_RANGES),
            non_negative=QUEUE_MEASURES,
            not_null=QUEUE_MEASURES,
            parts=[
                ("answered_within_sl", "answered"),
                ("answered", "offered"),
                ("abandoned", "offered"),
                ("short_abandons", "offered"),
                ("held_calls", "answered"),
                ("transfers_out", "answered"),
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
    if column in SIGNED_NAMES:
        return None
    if column in RATE_NAMES or column.endswith(RATE_SUFFIXES):
        return "rate", (0, 1)
    if column.endswith(NON_NEGATIVE_SUFFIXES) or column.startswith(("n_", "num_")):
        return "non_negative", (0, None)
    return None

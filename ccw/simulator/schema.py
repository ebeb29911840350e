"""The raw contract (raw-sources.md) as data: entities, columns, column kinds.

Inside the simulator every value is typed and compact (numbers, codes,
epoch seconds); `ccw.simulator.textify` turns a typed frame into the text an
export of that system would hold. Column order follows the spec tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NULL = -(2**63)  # null marker for int64-typed columns (ids, ints, timestamps, dates)
TZ_OFFSET_S = 8 * 3600  # Asia/Shanghai: UTC+8 all year (no daylight saving)


@dataclass(frozen=True)
class Col:
    """One column: `kind` decides the typed storage and the text rendering.

    kinds: ``ts`` (int64 epoch seconds, UTC), ``date`` (int64 days since
    1970-01-01), ``int`` (int64), ``dec`` (float64, NaN = null), ``bool``
    (int8 0/1), ``enum`` (int16 code into `values`, -1 = null; lower-case
    contract values), ``cat`` (like enum but free text, no case noise),
    ``id`` (int64 n -> prefix + zero-padded n), ``dayid`` (int64
    day*10**7 + seq -> prefix + YYMMDD + 7-digit seq), ``text`` (pyarrow
    string array, already rendered).
    """

    name: str
    kind: str
    prefix: str = ""
    width: int = 0
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    system: str
    name: str
    cols: tuple[Col, ...]
    key: tuple[str, ...]
    version_col: str | None = None  # tickets/orders: latest wins; agents/customers: history
    required_blank: str = ""  # column blanked by `missing_required_value` junk
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def full(self) -> str:
        return f"{self.system}__{self.name}"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.cols]

    def col(self, name: str) -> Col:
        for c in self.cols:
            if c.name == name:
                return c
        raise KeyError(name)


def _id(name: str, prefix: str, width: int) -> Col:
    return Col(name, "id", prefix, width)


def _dayid(name: str, prefix: str) -> Col:
    return Col(name, "dayid", prefix, 7)


def _enum(name: str, *values: str) -> Col:
    return Col(name, "enum", values=values)


AGENT = ("A", 4)
CUSTOMER = ("CU", 7)

QUEUES = ("general", "billing", "tech_support", "sales", "vip", "outbound")

AGENTS = Entity(
    "crm",
    "agents",
    (
        _id("agent_id", *AGENT),
        Col("full_name", "text"),
        Col("email", "text"),
        Col("team", "text"),
        Col("site", "text"),
        Col("timezone", "text"),
        Col("hired_on", "date"),
        Col("left_on", "date"),
        Col("updated_at", "ts"),
    ),
    key=("agent_id", "updated_at"),
    version_col="updated_at",
    required_blank="team",
)
CUSTOMERS = Entity(
    "crm",
    "customers",
    (
        _id("customer_id", *CUSTOMER),
        Col("full_name", "text"),
        Col("email", "text"),
        Col("phone", "text"),
        Col("city", "text"),
        _enum("segment", "vip", "regular"),
        Col("created_at", "ts"),
        Col("updated_at", "ts"),
    ),
    key=("customer_id", "updated_at"),
    version_col="updated_at",
    required_blank="segment",
)
TICKETS = Entity(
    "crm",
    "tickets",
    (
        _dayid("ticket_id", "T"),
        _id("customer_id", *CUSTOMER),
        _enum("channel", "phone", "chat", "email"),
        _enum("category", "pre_sales", "in_sale", "after_sales"),
        Col("is_complaint", "bool"),
        _enum("priority", "low", "normal", "high", "urgent"),
        _enum("status", "new", "open", "pending", "solved", "closed"),
        _id("assignee_agent_id", *AGENT),
        Col("created_at", "ts"),
        Col("solved_at", "ts"),
        Col("reopen_count", "int"),
        Col("updated_at", "ts"),
    ),
    key=("ticket_id",),
    version_col="updated_at",
    required_blank="status",
)
ORDERS = Entity(
    "crm",
    "orders",
    (
        _dayid("order_id", "O"),
        _id("customer_id", *CUSTOMER),
        Col("created_at", "ts"),
        Col("paid_at", "ts"),
        Col("amount", "dec"),
        Col("item_count", "int"),
        _enum("status", "created", "paid", "cancelled", "refunded"),
        Col("updated_at", "ts"),
    ),
    key=("order_id",),
    version_col="updated_at",
    required_blank="status",
)
QA = Entity(
    "crm",
    "qa_evaluations",
    (
        _dayid("evaluation_id", "QA"),
        _id("agent_id", *AGENT),
        _id("evaluator_id", *AGENT),
        _enum("channel", "phone", "chat"),
        Col("contact_ref", "text"),
        Col("evaluated_at", "ts"),
        Col("score", "dec"),
    ),
    key=("evaluation_id",),
    required_blank="evaluated_at",
)
CALLS = Entity(
    "telephony",
    "calls",
    (
        _dayid("call_id", "C"),
        _dayid("root_call_id", "C"),
        _enum("direction", "inbound", "outbound"),
        Col("caller_number", "text"),
        Col("queue", "cat", values=QUEUES),
        _id("agent_id", *AGENT),
        Col("enqueued_at", "ts"),
        Col("answered_at", "ts"),
        Col("ended_at", "ts"),
        Col("hold_s", "int"),
        Col("acw_s", "int"),
        _enum("disposition", "answered", "abandoned", "transferred", "voicemail"),
        _dayid("ticket_id", "T"),
    ),
    key=("call_id",),
    required_blank="direction",
)
MESSAGES = Entity(
    "messaging",
    "messages",
    (
        _dayid("message_id", "M"),
        _enum("channel", "web", "app", "social"),
        _id("customer_id", *CUSTOMER),
        _enum("sender_type", "customer", "agent", "bot", "system"),
        _enum("event", "message", "assign", "close"),
        _id("agent_id", *AGENT),
        Col("sent_at", "ts"),
        Col("char_count", "int"),
        _dayid("ticket_id", "T"),
    ),
    key=("message_id",),
    required_blank="sent_at",
)
RESPONSES = Entity(
    "survey",
    "responses",
    (
        _dayid("response_id", "R"),
        _id("customer_id", *CUSTOMER),
        _enum("survey", "csat", "nps"),
        _enum("channel", "phone", "chat"),
        _dayid("call_id", "C"),
        _dayid("ticket_id", "T"),
        Col("sent_at", "ts"),
        Col("responded_at", "ts"),
        Col("score", "int"),
        Col("comment", "text"),
    ),
    key=("response_id",),
    required_blank="survey",
)
SCHEDULES = Entity(
    "wfm",
    "schedules",
    (_id("agent_id", *AGENT), Col("shift_start", "ts"), Col("shift_end", "ts")),
    key=("agent_id", "shift_start"),
    required_blank="shift_end",
)
STATES = Entity(
    "wfm",
    "agent_states",
    (
        _id("agent_id", *AGENT),
        _enum("state", "available", "on_contact", "acw", "break", "offline"),
        Col("started_at", "ts"),
        Col("ended_at", "ts"),
    ),
    key=("agent_id", "started_at"),
    required_blank="state",
)

ENTITIES: tuple[Entity, ...] = (AGENTS, CUSTOMERS, TICKETS, ORDERS, QA, CALLS, MESSAGES, RESPONSES, SCHEDULES, STATES)
BY_NAME: dict[str, Entity] = {e.full: e for e in ENTITIES}

# How each system writes a timestamp (raw-sources.md, "Timestamps").
#   offset_s: added to UTC before rendering (wall time); suffix: zone marker; sep: date/time separator
TS_STYLE: dict[str, tuple[int, str, str]] = {
    "crm": (0, "Z", "T"),
    "messaging": (TZ_OFFSET_S, "+08:00", "T"),
    "telephony": (TZ_OFFSET_S, "", " "),
    "survey": (0, "", " "),
    "wfm": (0, "Z", "T"),
}

{#- The raw source contract (../shared/spec/raw-sources.md) as data, in one place.

    For every entity: its system, folder, key columns, the column that tells
    how recent the data is (`loaded_at`), and every contract column with
    - type: id | str | enum | int | dec | bool | ts | date
    - required: true when a null/blank value rejects the row
      (`missing_required_value`); key columns are always required
      (`missing_key`)
    - values: the accepted lower-case values of an enum
    - open_end: a date whose far-future placeholder means "still open" (null)
    - history: master data that may predate the data loaded (a customer
      created years ago, an agent hired in 2012): bounded below by
      history_floor_date() instead of valid_from_date
    and per entity `sequence`: telephony wall times in their real order (the
    DST rule of wall_time_sequence_to_utc).

    and the entity's staging rules (macros/staging/, docs/design.md):
    - row_rules: [(condition on the typed columns, reason_code), ...], the
      entity's own row-local rules, applied in order after the generic ones
    - references: [{column, model, target, reason}]: a non-null `column`
      with no valid row of `model` (its `target` column) rejects the row
    - self_reference: {column, target, reason}, checked last
    - links: [{column, model, target}]: a value matching nothing is nulled
    - versioning: event | latest | history (which version of a record wins)
    - scope: the key columns whose rows a load re-decides together
      (default: every key column; contract_scope_key)
    - impact: the columns whose earliest reporting date is the first day the
      row can change downstream ([]: none; customers reach the calls matched
      by phone whatever their date, and an agent's earliest version reaches
      back before its day: int_load_window handles both)
    - phone_columns: {raw column: name of its normalised copy}

    The raw views (create_raw_views), the typed columns, the generic
    validation flags and every staging step (base_<entity>_parsed and
    base_<entity> are one macro call each) are generated from this dict, so
    an entity's rules are changed here and nowhere else.
-#}
{% macro raw_contract() %}
    {% set contract = {
        'crm__agents': {
            'system': 'crm', 'entity': 'agents',
            'key': ['agent_id', 'updated_at'], 'scope': ['agent_id'], 'loaded_at': 'updated_at',
            'versioning': 'history', 'impact': ['updated_at'],
            'columns': [
                {'name': 'agent_id', 'type': 'id', 'required': true},
                {'name': 'full_name', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'email', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'team', 'type': 'str', 'required': true},
                {'name': 'site', 'type': 'str', 'required': true},
                {'name': 'timezone', 'type': 'str', 'required': true},
                {'name': 'hired_on', 'type': 'date', 'required': true, 'history': true},
                {'name': 'left_on', 'type': 'date', 'required': false, 'open_end': true},
                {'name': 'updated_at', 'type': 'ts', 'required': true, 'history': true},
            ],
        },
        'crm__customers': {
            'system': 'crm', 'entity': 'customers',
            'key': ['customer_id', 'updated_at'], 'scope': ['customer_id'], 'loaded_at': 'updated_at',
            'versioning': 'history', 'impact': [],
            'phone_columns': {'phone': 'phone_normalized'},
            'columns': [
                {'name': 'customer_id', 'type': 'id', 'required': true},
                {'name': 'full_name', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'email', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'phone', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'city', 'type': 'str', 'required': false},
                {'name': 'segment', 'type': 'enum', 'required': true, 'values': ['vip', 'regular']},
                {'name': 'created_at', 'type': 'ts', 'required': true, 'history': true},
                {'name': 'updated_at', 'type': 'ts', 'required': true, 'history': true},
            ],
        },
        'crm__tickets': {
            'system': 'crm', 'entity': 'tickets',
            'key': ['ticket_id'], 'loaded_at': 'updated_at',
            'row_rules': [
                ("reopen_count < 0", 'negative_duration'),
                ("solved_at < created_at", 'impossible_timestamp_order'),
            ],
            'references': [
                {'column': 'assignee_agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'},
                {'column': 'customer_id', 'model': 'base_crm__customers', 'target': 'customer_id', 'reason': 'unknown_customer'},
            ],
            'versioning': 'latest', 'impact': ['created_at', 'updated_at'],
            'columns': [
                {'name': 'ticket_id', 'type': 'id', 'required': true},
                {'name': 'customer_id', 'type': 'id', 'required': true},
                {'name': 'channel', 'type': 'enum', 'required': true, 'values': ['phone', 'chat', 'email']},
                {'name': 'category', 'type': 'enum', 'required': true, 'values': ['pre_sales', 'in_sale', 'after_sales']},
                {'name': 'is_complaint', 'type': 'bool', 'required': true},
                {'name': 'priority', 'type': 'enum', 'required': true, 'values': ['low', 'normal', 'high', 'urgent']},
                {'name': 'status', 'type': 'enum', 'required': true, 'values': ['new', 'open', 'pending', 'solved', 'closed']},
                {'name': 'assignee_agent_id', 'type': 'id', 'required': false},
                {'name': 'created_at', 'type': 'ts', 'required': true},
                {'name': 'solved_at', 'type': 'ts', 'required': false},
                {'name': 'reopen_count', 'type': 'int', 'required': true},
                {'name': 'updated_at', 'type': 'ts', 'required': true},
            ],
        },
        'crm__orders': {
            'system': 'crm', 'entity': 'orders',
            'key': ['order_id'], 'loaded_at': 'updated_at',
            'row_rules': [
                ("amount < 0 or item_count < 0", 'negative_duration'),
                ("paid_at < created_at", 'impossible_timestamp_order'),
            ],
            'references': [{'column': 'customer_id', 'model': 'base_crm__customers', 'target': 'customer_id', 'reason': 'unknown_customer'}],
            'versioning': 'latest', 'impact': ['created_at', 'updated_at', 'paid_at'],
            'columns': [
                {'name': 'order_id', 'type': 'id', 'required': true},
                {'name': 'customer_id', 'type': 'id', 'required': true},
                {'name': 'created_at', 'type': 'ts', 'required': true},
                {'name': 'paid_at', 'type': 'ts', 'required': false},
                {'name': 'amount', 'type': 'dec', 'required': true},
                {'name': 'item_count', 'type': 'int', 'required': true},
                {'name': 'status', 'type': 'enum', 'required': true, 'values': ['created', 'paid', 'cancelled', 'refunded']},
                {'name': 'updated_at', 'type': 'ts', 'required': true},
            ],
        },
        'crm__qa_evaluations': {
            'system': 'crm', 'entity': 'qa_evaluations',
            'key': ['evaluation_id'], 'loaded_at': 'evaluated_at',
            'row_rules': [("score not between 0 and 100", 'score_out_of_range')],
            'references': [{'column': 'agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'}],
            'versioning': 'event', 'impact': ['evaluated_at'],
            'columns': [
                {'name': 'evaluation_id', 'type': 'id', 'required': true},
                {'name': 'agent_id', 'type': 'id', 'required': true},
                {'name': 'evaluator_id', 'type': 'id', 'required': false},
                {'name': 'channel', 'type': 'enum', 'required': true, 'values': ['phone', 'chat']},
                {'name': 'contact_ref', 'type': 'id', 'required': false},
                {'name': 'evaluated_at', 'type': 'ts', 'required': true},
                {'name': 'score', 'type': 'dec', 'required': true},
            ],
        },
        'telephony__calls': {
            'system': 'telephony', 'entity': 'calls',
            'key': ['call_id'], 'loaded_at': 'enqueued_at',
            'sequence': ['enqueued_at', 'answered_at', 'ended_at'],
            'row_rules': [
                ("hold_s < 0 or acw_s < 0", 'negative_duration'),
                ("answered_at < enqueued_at", 'impossible_timestamp_order'),
                ("ended_at < coalesce(answered_at, enqueued_at)", 'impossible_timestamp_order'),
                ("greatest(hold_s, acw_s, " ~ dbt.datediff('enqueued_at', 'ended_at', 'second') ~ ") > "
                    ~ var('max_duration_s'), 'implausible_duration'),
            ],
            'references': [{'column': 'agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'}],
            'self_reference': {'column': 'root_call_id', 'target': 'call_id', 'reason': 'unknown_call_reference'},
            'links': [{'column': 'ticket_id', 'model': 'stg_crm__tickets', 'target': 'ticket_id'}],
            'versioning': 'event', 'impact': ['enqueued_at'],
            'phone_columns': {'caller_number': 'caller_phone_normalized'},
            'columns': [
                {'name': 'call_id', 'type': 'id', 'required': true},
                {'name': 'root_call_id', 'type': 'id', 'required': false},
                {'name': 'direction', 'type': 'enum', 'required': true, 'values': ['inbound', 'outbound']},
                {'name': 'caller_number', 'type': 'str', 'required': false, 'pii': true},
                {'name': 'queue', 'type': 'str', 'required': true},
                {'name': 'agent_id', 'type': 'id', 'required': false},
                {'name': 'enqueued_at', 'type': 'ts', 'required': true},
                {'name': 'answered_at', 'type': 'ts', 'required': false},
                {'name': 'ended_at', 'type': 'ts', 'required': true},
                {'name': 'hold_s', 'type': 'int', 'required': true},
                {'name': 'acw_s', 'type': 'int', 'required': true},
                {'name': 'disposition', 'type': 'enum', 'required': true, 'values': ['answered', 'abandoned', 'transferred', 'voicemail']},
                {'name': 'ticket_id', 'type': 'id', 'required': false},
            ],
        },
        'messaging__messages': {
            'system': 'messaging', 'entity': 'messages',
            'key': ['message_id'], 'loaded_at': 'sent_at',
            'row_rules': [("char_count < 0", 'negative_duration')],
            'references': [{'column': 'agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'}, {'column': 'customer_id', 'model': 'base_crm__customers', 'target': 'customer_id', 'reason': 'unknown_customer'}],
            'links': [{'column': 'ticket_id', 'model': 'stg_crm__tickets', 'target': 'ticket_id'}],
            'versioning': 'event', 'impact': ['sent_at'],
            'columns': [
                {'name': 'message_id', 'type': 'id', 'required': true},
                {'name': 'channel', 'type': 'enum', 'required': true, 'values': ['web', 'app', 'social']},
                {'name': 'customer_id', 'type': 'id', 'required': true},
                {'name': 'sender_type', 'type': 'enum', 'required': true, 'values': ['customer', 'agent', 'bot', 'system']},
                {'name': 'event', 'type': 'enum', 'required': true, 'values': ['message', 'assign', 'close']},
                {'name': 'agent_id', 'type': 'id', 'required': false},
                {'name': 'sent_at', 'type': 'ts', 'required': true},
                {'name': 'char_count', 'type': 'int', 'required': false},
                {'name': 'ticket_id', 'type': 'id', 'required': false},
            ],
        },
        'survey__responses': {
            'system': 'survey', 'entity': 'responses',
            'key': ['response_id'], 'loaded_at': 'responded_at',
            'row_rules': [
                ("survey = 'csat' and score not between 1 and 5", 'score_out_of_range'),
                ("survey = 'nps' and score not between 0 and 10", 'score_out_of_range'),
                ("responded_at < sent_at", 'impossible_timestamp_order'),
            ],
            'references': [{'column': 'customer_id', 'model': 'base_crm__customers', 'target': 'customer_id', 'reason': 'unknown_customer'}],
            'links': [{'column': 'ticket_id', 'model': 'stg_crm__tickets', 'target': 'ticket_id'}],
            'versioning': 'event', 'impact': ['sent_at', 'responded_at'],
            'columns': [
                {'name': 'response_id', 'type': 'id', 'required': true},
                {'name': 'customer_id', 'type': 'id', 'required': true},
                {'name': 'survey', 'type': 'enum', 'required': true, 'values': ['csat', 'nps']},
                {'name': 'channel', 'type': 'enum', 'required': true, 'values': ['phone', 'chat']},
                {'name': 'call_id', 'type': 'id', 'required': false},
                {'name': 'ticket_id', 'type': 'id', 'required': false},
                {'name': 'sent_at', 'type': 'ts', 'required': true},
                {'name': 'responded_at', 'type': 'ts', 'required': true},
                {'name': 'score', 'type': 'int', 'required': true},
                {'name': 'comment', 'type': 'str', 'required': false, 'pii': true},
            ],
        },
        'wfm__schedules': {
            'system': 'wfm', 'entity': 'schedules',
            'key': ['agent_id', 'shift_start'], 'loaded_at': 'shift_start',
            'row_rules': [
                ("shift_end < shift_start", 'negative_duration'),
                (dbt.datediff('shift_start', 'shift_end', 'second') ~ " > " ~ var('max_duration_s'), 'implausible_duration'),
            ],
            'references': [{'column': 'agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'}],
            'versioning': 'event', 'impact': ['shift_start'],
            'columns': [
                {'name': 'agent_id', 'type': 'id', 'required': true},
                {'name': 'shift_start', 'type': 'ts', 'required': true},
                {'name': 'shift_end', 'type': 'ts', 'required': true},
            ],
        },
        'wfm__agent_states': {
            'system': 'wfm', 'entity': 'agent_states',
            'key': ['agent_id', 'started_at'], 'loaded_at': 'started_at',
            'row_rules': [
                ("ended_at < started_at", 'negative_duration'),
                (dbt.datediff('started_at', 'ended_at', 'second') ~ " > " ~ var('max_state_duration_s'), 'implausible_duration'),
            ],
            'references': [{'column': 'agent_id', 'model': 'base_crm__agents', 'target': 'agent_id', 'reason': 'unknown_agent'}],
            'versioning': 'event', 'impact': ['started_at'],
            'columns': [
                {'name': 'agent_id', 'type': 'id', 'required': true},
                {'name': 'state', 'type': 'enum', 'required': true, 'values': ['available', 'on_contact', 'acw', 'break', 'offline']},
                {'name': 'started_at', 'type': 'ts', 'required': true},
                {'name': 'ended_at', 'type': 'ts', 'required': true},
            ],
        },
    } %}
    {{ return(contract) }}
{% endmacro %}

{#- The contract of one entity (`crm__agents`, ...), with a clear error for a typo. -#}
{% macro raw_entity(entity_name) %}
    {% set contract = raw_contract() %}
    {% if entity_name not in contract %}
        {{ exceptions.raise_compiler_error("raw_entity: unknown entity '" ~ entity_name ~ "'") }}
    {% endif %}
    {{ return(contract[entity_name]) }}
{% endmacro %}

{#- The reason codes of staging, in the order rules are applied (the first
    failing rule is a row's reason_code; docs/design.md describes each). The
    valid_reason_code test of every base and rejected-rows model checks
    against this list, so a new rule adds its code here and nowhere else. -#}
{% macro reason_codes() %}
    {{ return([
        'malformed_row',
        'missing_key',
        'missing_required_value',
        'unparseable_timestamp',
        'implausible_timestamp',
        'unparseable_value',
        'unknown_enum_value',
        'score_out_of_range',
        'negative_duration',
        'impossible_timestamp_order',
        'implausible_duration',
        'unknown_agent',
        'unknown_customer',
        'unknown_call_reference',
    ]) }}
{% endmacro %}

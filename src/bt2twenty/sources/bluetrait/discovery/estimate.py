"""Mapping kinds per object, the load estimate in API calls, and the tenant's checklist."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT_PER_MINUTE = 100
DEFAULT_BATCH_SIZE = 60
CALLS_PER_ATTACHMENT = 2
"""One upload and one attachment record per file."""
CALLS_PER_CUSTOM_OBJECT = 1
CALLS_PER_CUSTOM_FIELD = 1

ONE_TO_ONE = "one_to_one"
CUSTOM_SCHEMA = "custom_schema"
LOSSY = "lossy"
NOT_MIGRATED = "not_migrated"

TARGETS: dict[str, tuple[str, str, bool]] = {
    "companies": ("company", ONE_TO_ONE, True),
    "clients": ("person", ONE_TO_ONE, True),
    "users": ("workspaceMember (matched by email, invited)", LOSSY, False),
    "products": ("product (custom object)", CUSTOM_SCHEMA, True),
    "projects": ("project (custom object) or opportunity", CUSTOM_SCHEMA, True),
    "agents": ("note on the company + agent inventory CSV", LOSSY, True),
    "tickets": ("ticket (custom object)", CUSTOM_SCHEMA, True),
    "ticket_notes": ("note linked to the ticket", ONE_TO_ONE, True),
    "ticket_attachments": ("attachment on the ticket", ONE_TO_ONE, True),
    "invoices": ("invoice (custom object)", CUSTOM_SCHEMA, True),
    "timesheets": ("timesheet (custom object)", CUSTOM_SCHEMA, True),
    "invoice_lines": ("invoiceLine (custom object)", CUSTOM_SCHEMA, True),
    "agent_software": ("folded into the agent note", LOSSY, False),
    "agent_alerts": ("folded into the agent note", LOSSY, False),
    "articles": ("note linked to companies and people", ONE_TO_ONE, True),
    "article_tickets": ("article to ticket table in the hand-over", LOSSY, False),
    "passwords": ("nothing: inventory of names and systems only", NOT_MIGRATED, False),
    "custom_fields": ("labels for cf_N columns", NOT_MIGRATED, False),
}
"""Per object: the default Twenty target, how it maps, and whether each row is one record."""

CUSTOM_OBJECT_FIELDS = {
    "products": 10,
    "projects": 12,
    "tickets": 18,
    "invoices": 16,
    "timesheets": 14,
    "invoice_lines": 10,
}
"""Fields the default mapping creates on each custom object (an estimate for the schema step)."""


@dataclass(frozen=True, slots=True)
class LoadEstimate:
    """API calls and elapsed time for a full load, at the target's rate limit and batch size."""

    record_calls: int
    schema_calls: int
    attachment_calls: int
    rate_limit_per_minute: int
    batch_size: int

    @property
    def total_calls(self) -> int:
        """Return every API call of the load."""
        return self.record_calls + self.schema_calls + self.attachment_calls

    @property
    def minutes(self) -> float:
        """Return the elapsed minutes if every call uses the rate limit fully (a lower bound)."""
        return self.total_calls / self.rate_limit_per_minute

    def as_dict(self) -> dict[str, Any]:
        """Return the estimate as JSON values."""
        return {
            "record_calls": self.record_calls,
            "schema_calls": self.schema_calls,
            "attachment_calls": self.attachment_calls,
            "total_calls": self.total_calls,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "batch_size": self.batch_size,
            "elapsed_minutes": round(self.minutes, 1),
        }


def estimate_load(
    rows_per_object: dict[str, int],
    custom_fields_per_object: dict[str, int],
    attachments: int,
    *,
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> LoadEstimate:
    """Estimate the API calls of a full load of these objects."""
    record_calls = 0
    schema_calls = 0
    for object_name, rows in rows_per_object.items():
        target = TARGETS.get(object_name)
        if target is None or not target[2] or object_name == "ticket_attachments":
            continue
        record_calls += math.ceil(rows / batch_size)

    for object_name in rows_per_object:
        if object_name in CUSTOM_OBJECT_FIELDS:
            schema_calls += CALLS_PER_CUSTOM_OBJECT
            schema_calls += CUSTOM_OBJECT_FIELDS[object_name] * CALLS_PER_CUSTOM_FIELD
    schema_calls += sum(custom_fields_per_object.values()) * CALLS_PER_CUSTOM_FIELD

    return LoadEstimate(
        record_calls,
        schema_calls,
        attachments * CALLS_PER_ATTACHMENT,
        rate_limit_per_minute,
        batch_size,
    )


def complexity(object_names: list[str]) -> dict[str, Any]:
    """Grade the migration from how many objects map one to one, need schema, or lose detail."""
    groups: dict[str, list[str]] = {ONE_TO_ONE: [], CUSTOM_SCHEMA: [], LOSSY: [], NOT_MIGRATED: []}
    for name in object_names:
        kind = TARGETS.get(name, ("", CUSTOM_SCHEMA, True))[1]
        groups[kind].append(name)

    score = len(groups[CUSTOM_SCHEMA]) + 2 * len(groups[LOSSY])
    grade = "A (simple)"
    if score > 18:
        grade = "D (very complex)"
    elif score > 10:
        grade = "C (complex)"
    elif score > 4:
        grade = "B (moderate)"
    return {"grade": grade, "score": score, **{kind: names for kind, names in groups.items()}}


def checklist(facts: dict[str, int]) -> list[dict[str, str]]:
    """Return the tenant's pre-export checklist, with this export's counts filled in."""
    return [
        {
            "item": "Confirm the Bluetrait plan: API access needs Standard or Professional.",
            "why": "The RPC API reads tickets, companies and agents for the delta at cutover.",
        },
        {
            "item": "Disable the Xero module before the bulk export.",
            "why": f"{facts.get('xero_linked_invoices', 0)} invoices carry a Xero link. The module "
            "pushes invoices from Bluetrait to Xero, so turn it off while the data is moved.",
        },
        {
            "item": "Record every recurring billing rule by hand.",
            "why": f"{facts.get('recurring_invoices', 0)} recurring invoices and "
            f"{facts.get('recurring_products', 0)} recurring products do not migrate.",
        },
        {
            "item": "Export the custom-field list with the data.",
            "why": f"{facts.get('custom_field_columns', 0)} cf_N columns need their labels; "
            f"{facts.get('unlabelled_custom_fields', 0)} have none yet.",
        },
        {
            "item": "Move password secrets to a password manager separately.",
            "why": f"{facts.get('plaintext_secrets', 0)} plaintext secrets are in the export; "
            "they are never migrated to Twenty. Delete the export file after the migration.",
        },
        {
            "item": "Review agent monitoring and alert rules in the RMM.",
            "why": f"{facts.get('agents', 0)} agents and {facts.get('agent_alerts', 0)} alerts "
            "become inventory notes; monitoring does not migrate.",
        },
    ]

"""Records built from several source rows: article note targets and company device notes.

- Articles become notes. Each article note is linked, through note targets, to the companies
  and people of the tickets it was used on (`article_tickets`), so it shows on their pages.
- RMM agents do not become records. Each company with agents gets one note listing its
  devices: hardware, serial, warranty, operating system, watchdog status and open alerts.
  Monitoring itself does not migrate.

Both are built from the source rows and the id map alone, with deterministic ids, so the
loader and `verify` build the same records, and a repeated run sends nothing new.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from bt2twenty.journal import RunStatus
from bt2twenty.journal.models import derive_record_id
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetSchema
from bt2twenty.pipeline.phase import PhaseContext, PhaseCounts
from bt2twenty.pipeline.sender import BatchSender, payload_hash
from bt2twenty.transform.parameters import ConversionParameters
from bt2twenty.transform.payload import BLUETRAIT_ID_FIELD, BuiltRecord, bluetrait_id
from bt2twenty.transform.registry import convert_value

logger = logging.getLogger(__name__)

Rows = Callable[[str], Iterator[dict[str, str]]]
Resolve = Callable[[str, str], str | None]
Lookup = Callable[[str, str, str], str | None]

QUOTE_OPPORTUNITIES = "invoices.opportunity"
# Quote statuses that mean the sale is still open, and the opportunity stage each becomes.
OPEN_QUOTE_STAGES = {"draft": "NEW", "sent": "PROPOSAL"}
DEVICE_NOTES = "agents.company_id"
DEVICE_NOTE_TARGETS = "agents.company_id.target"
# Target objects an article note can be linked to, with their note-target join column.
_ARTICLE_TARGETS = {"company": "targetCompanyId", "person": "targetPersonId"}


def article_note_targets(
    mapping: Mapping,
    rows: Rows,
    present: set[str],
    *,
    resolve: Resolve,
    lookup: Lookup,
    migration_id: str,
) -> Iterator[BuiltRecord]:
    """Yield a note target per article and company or person of a ticket it was used on."""
    articles = mapping.objects.get("articles")
    tickets = mapping.objects.get("tickets")
    if (
        articles is None
        or tickets is None
        or articles.skip
        or articles.target != "note"
        or "article_tickets" not in present
    ):
        return
    ticket_parents = [
        (column, str(entry.params.get("object", "")))
        for column, entry in tickets.columns.items()
        if entry.transform == "relation" and not entry.skip
    ]
    links = [
        (column, parent, _ARTICLE_TARGETS[target])
        for column, parent in ticket_parents
        if (target := mapping.objects[parent].target if parent in mapping.objects else None)
        in _ARTICLE_TARGETS
    ]

    seen: set[tuple[str, str]] = set()
    for row in rows("article_tickets"):
        article_id = row.get("article_id", "").strip()
        ticket_id = row.get("ticket_id", "").strip()
        note_id = resolve("articles", article_id)
        if note_id is None or not ticket_id:
            continue
        for column, parent, join_column in links:
            parent_source_id = (lookup("tickets", column, ticket_id) or "").strip()
            parent_id = resolve(parent, parent_source_id)
            source_object = f"articles.{parent}"
            source_id = f"{article_id}:{parent_source_id}"
            if parent_id is None or (source_object, source_id) in seen:
                continue
            seen.add((source_object, source_id))
            record_id = derive_record_id(migration_id, source_object, source_id)
            yield BuiltRecord(
                source_object=source_object,
                source_id=source_id,
                target_object="noteTarget",
                record_id=record_id,
                payload={"id": record_id, "noteId": note_id, join_column: parent_id},
            )


def quote_opportunities(
    mapping: Mapping,
    schema: TargetSchema,
    rows: Rows,
    present: set[str],
    *,
    resolve: Resolve,
    migration_id: str,
) -> Iterator[BuiltRecord]:
    """Yield an opportunity per open quote, when `settings.open_quotes_as_opportunities` is on.

    The quote itself still loads as an invoice of type quote. The opportunity puts the open
    sale in Twenty's pipeline with the quote's total, company, contact and due date.
    """
    settings = mapping.settings
    if not settings.open_quotes_as_opportunities or "invoices" not in present:
        return
    if "opportunity" not in schema.objects:
        return
    parameters = ConversionParameters(
        currency=settings.default_currency,
        time_zone=settings.tenant_time_zone,
        day_first=settings.date_order != "MDY",
    )
    for row in rows("invoices"):
        stage = OPEN_QUOTE_STAGES.get(row.get("status", "").strip().lower())
        if row.get("type", "").strip().lower() != "quote" or stage is None:
            continue
        source_id = row.get("id", "").strip()
        record_id = derive_record_id(migration_id, QUOTE_OPPORTUNITIES, source_id)
        number = row.get("number", "").strip() or source_id
        payload: dict[str, object] = {"id": record_id, "name": f"Quote {number}", "stage": stage}
        amount = convert_value("CURRENCY", row.get("total", ""), parameters).value
        if amount is not None:
            payload["amount"] = amount
        close = convert_value("DATE_TIME", row.get("date_due", ""), parameters).value
        if close is not None:
            payload["closeDate"] = close
        company = resolve("companies", row.get("company_id", "").strip())
        if company is not None:
            payload["companyId"] = company
        contact = resolve("clients", row.get("contact_user_id", "").strip())
        if contact is not None:
            payload["pointOfContactId"] = contact
        yield BuiltRecord(
            source_object=QUOTE_OPPORTUNITIES,
            source_id=source_id,
            target_object="opportunity",
            record_id=record_id,
            payload=payload,
        )


def device_notes(
    mapping: Mapping,
    schema: TargetSchema,
    rows: Rows,
    present: set[str],
    *,
    resolve: Resolve,
    migration_id: str,
) -> Iterator[tuple[BuiltRecord, BuiltRecord]]:
    """Yield, per company with RMM agents, its device note and the note's target."""
    note = schema.objects.get("note")
    if "agents" not in present or note is None or "company" not in schema.objects:
        return
    body_field = "bodyV2" if "bodyV2" in note.fields else "body"
    body_type = note.fields[body_field].type if body_field in note.fields else "RICH_TEXT"

    devices: dict[str, list[dict[str, str]]] = defaultdict(list)
    for agent in rows("agents"):
        devices[agent.get("company_id", "").strip()].append(agent)
    alerts = _open_alerts(rows) if "agent_alerts" in present else {}

    for company_id in sorted(devices, key=_numeric_first):
        company = resolve("companies", company_id)
        if company is None:
            continue
        agents = sorted(devices[company_id], key=lambda agent: agent.get("name", ""))
        html = _device_table(agents, alerts)
        body = convert_value(body_type, html).value
        record_id = derive_record_id(migration_id, DEVICE_NOTES, company_id)
        yield (
            BuiltRecord(
                source_object=DEVICE_NOTES,
                source_id=company_id,
                target_object="note",
                record_id=record_id,
                payload={
                    "id": record_id,
                    BLUETRAIT_ID_FIELD: bluetrait_id(DEVICE_NOTES, company_id, shared=True),
                    "title": f"Devices from Bluetrait RMM ({len(agents)})",
                    body_field: body,
                },
            ),
            _note_target(migration_id, company_id, record_id, company),
        )


def _note_target(migration_id: str, company_id: str, note_id: str, company: str) -> BuiltRecord:
    record_id = derive_record_id(migration_id, DEVICE_NOTE_TARGETS, company_id)
    return BuiltRecord(
        source_object=DEVICE_NOTE_TARGETS,
        source_id=company_id,
        target_object="noteTarget",
        record_id=record_id,
        payload={"id": record_id, "noteId": note_id, "targetCompanyId": company},
    )


def _open_alerts(rows: Rows) -> dict[str, list[str]]:
    """Return the open alerts of each agent (no resolution date) as "type (severity)"."""
    alerts: dict[str, list[str]] = defaultdict(list)
    for alert in rows("agent_alerts"):
        if alert.get("date_resolved", "").strip():
            continue
        kind = alert.get("type", "").strip() or "alert"
        severity = alert.get("severity", "").strip()
        alerts[alert.get("agent_id", "").strip()].append(
            f"{kind} ({severity})" if severity else kind
        )
    return alerts


_DEVICE_COLUMNS = (
    "Device",
    "Hardware",
    "Serial",
    "Warranty until",
    "Operating system",
    "Watchdog",
    "Open alerts",
)


def _device_table(agents: list[dict[str, str]], alerts: dict[str, list[str]]) -> str:
    """Return the note body as HTML: one table row per device."""
    header = "".join(f"<th>{column}</th>" for column in _DEVICE_COLUMNS)
    lines = []
    for agent in agents:
        hardware = " ".join(
            part for part in (agent.get("hw_manufacturer", ""), agent.get("hw_model", "")) if part
        )
        open_alerts = alerts.get(agent.get("id", "").strip(), [])
        cells = (
            agent.get("name", ""),
            hardware,
            agent.get("hw_serial_number", ""),
            agent.get("warranty_expires", ""),
            agent.get("os_name", ""),
            agent.get("watchdog_status", ""),
            ", ".join(open_alerts) if open_alerts else "none",
        )
        lines.append(
            "<tr>" + "".join(f"<td>{escape(cell.strip())}</td>" for cell in cells) + "</tr>"
        )
    return (
        "<p>Devices this company had in Bluetrait RMM at the export. Monitoring does not "
        "migrate; installed software and alert history are in the agent inventory.</p>"
        f"<table><tr>{header}</tr>{''.join(lines)}</table>"
    )


def _numeric_first(source_id: str) -> tuple[int, str]:
    return (int(source_id), "") if source_id.isdigit() else (0, source_id)


@dataclass(frozen=True)
class DerivedCounts:
    """The counts of one kind of derived record, under its journal name and a plain label."""

    source_object: str
    label: str
    target_object: str
    counts: PhaseCounts


def load_derived(context: PhaseContext, rows: Rows, present: set[str]) -> list[DerivedCounts]:
    """Send the device notes, their targets and the article links; return a count per kind."""
    journal = context.journal

    def resolve(source_object: str, source_id: str) -> str | None:
        return journal.target_id(source_object, source_id) if source_id else None

    pairs = list(
        device_notes(
            context.mapping,
            context.schema,
            rows,
            present,
            resolve=resolve,
            migration_id=journal.migration_id,
        )
    )
    results = [
        DerivedCounts(
            DEVICE_NOTES, "device notes", "note", _send(context, "note", [n for n, _t in pairs])
        ),
        DerivedCounts(
            DEVICE_NOTE_TARGETS,
            "device note links",
            "noteTarget",
            _send(context, "noteTarget", [t for _n, t in pairs]),
        ),
    ]
    opportunities = quote_opportunities(
        context.mapping,
        context.schema,
        rows,
        present,
        resolve=resolve,
        migration_id=journal.migration_id,
    )
    results.append(
        DerivedCounts(
            QUOTE_OPPORTUNITIES,
            "open quotes as opportunities",
            "opportunity",
            _send(context, "opportunity", list(opportunities)),
        )
    )
    links: dict[str, list[BuiltRecord]] = defaultdict(list)
    for link in article_note_targets(
        context.mapping,
        rows,
        present,
        resolve=resolve,
        lookup=context.lookup,
        migration_id=journal.migration_id,
    ):
        links[link.source_object].append(link)
    for source_object, records in links.items():
        counts = _send(context, "noteTarget", records)
        results.append(DerivedCounts(source_object, "article links", "noteTarget", counts))
    return [result for result in results if result.counts.read]


def _send(context: PhaseContext, target_object: str, records: list[BuiltRecord]) -> PhaseCounts:
    """Send the records that are new or changed, in batches, journaled like any phase."""
    counts = PhaseCounts()
    if not records:
        return counts
    journal = context.journal
    phase = journal.start_phase(
        context.run_id, source_object=records[0].source_object, target_object=target_object
    )

    def rejected(record: BuiltRecord, reason: str) -> None:
        journal.quarantine(
            context.run_id,
            source_object=record.source_object,
            source_id=record.source_id,
            reasons=[f"Twenty rejected the record: {reason}"],
            row=record.payload,
        )
        counts.quarantined += 1

    sender = BatchSender(context.client, journal, run_id=context.run_id, on_rejected=rejected)
    pending = []
    for record in records:
        counts.read += 1
        entry = journal.id_map_entry(record.source_object, record.source_id)
        if (
            entry is not None
            and entry.rolled_back_at is None
            and entry.payload_hash == payload_hash(record.payload)
        ):
            counts.loaded += 1
            counts.unchanged += 1
            continue
        pending.append(record)

    objects_path = context.schema.objects[target_object].name_plural
    for start in range(0, len(pending), context.batch_size):
        if context.stop.is_set():
            break
        outcome = sender.send(
            objects_path, pending[start : start + context.batch_size], phase_id=phase.id
        )
        counts.loaded += len(outcome.loaded)
    status = RunStatus.INTERRUPTED if context.stop.is_set() else RunStatus.COMPLETED
    journal.finish_phase(phase.id, status=status, counts=counts.for_journal())
    return counts

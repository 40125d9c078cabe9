"""Load one source object: build, deduplicate, validate, pre-flight and send its records.

Rows are read one at a time and sent in batches from a small pool of worker threads, so memory
stays flat however large the object is. A row whose id-map entry already has the same payload
hash was loaded by an earlier run and is not sent again; every other row is sent with upsert by
its deterministic id, so a resumed or repeated run never duplicates a record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.journal import BatchItem, BatchOperation, Journal, Origin, WriteStamp
from bt2twenty.journal import PhaseCounts as JournalPhaseCounts
from bt2twenty.journal.models import derive_record_id
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetObject, TargetSchema
from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.pipeline.preflight import ExistingMatch, find_existing, unique_keys_for
from bt2twenty.pipeline.sender import BatchSender, payload_hash
from bt2twenty.transform.dedupe import CompanyNames, PersonEmails, SharedDomains
from bt2twenty.transform.payload import BuiltRecord, RecordBuilder
from bt2twenty.transform.validation import validate_payload
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)


@dataclass
class PhaseCounts:
    """Rows of one source object in one run: read = loaded + skipped + quarantined."""

    read: int = 0
    loaded: int = 0
    unchanged: int = 0
    linked: int = 0
    skipped: int = 0
    quarantined: int = 0
    flagged: int = 0
    skip_rules: dict[str, int] = field(default_factory=dict)

    @property
    def is_balanced(self) -> bool:
        """Whether every row read is accounted for."""
        return self.read == self.loaded + self.skipped + self.quarantined

    def for_journal(self) -> JournalPhaseCounts:
        """Return the counts the journal keeps for a phase."""
        return JournalPhaseCounts(
            read=self.read, loaded=self.loaded, skipped=self.skipped, quarantined=self.quarantined
        )

    def skip(self, rule: str) -> None:
        self.skipped += 1
        self.skip_rules[rule] = self.skip_rules.get(rule, 0) + 1


@dataclass
class PhaseContext:
    """The state every phase of a run shares."""

    client: TwentyClient
    journal: Journal
    mapping: Mapping
    schema: TargetSchema
    run_id: int
    members: MemberDirectory
    concurrency: int
    batch_size: int
    era: str
    on_progress: Callable[[int], None] = lambda _count: None
    stop: threading.Event = field(default_factory=threading.Event)
    rows: Callable[[str], Iterator[dict[str, str]]] | None = None
    lookups: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def lookup(self, source_object: str, column: str, source_id: str) -> str | None:
        """Return `column` of the `source_object` row with `source_id`, read once per run."""
        key = (source_object, column)
        if key not in self.lookups:
            table: dict[str, str] = {}
            for row in self.rows(source_object) if self.rows else ():
                table[row.get("id", "").strip()] = row.get(column, "")
            self.lookups[key] = table
        return self.lookups[key].get(source_id)


class PhaseLoader:
    """Loads the rows of one source object into its target object."""

    def __init__(
        self,
        context: PhaseContext,
        source_object: str,
        *,
        deferred_columns: Iterable[str] = (),
        resend: set[str] | None = None,
    ) -> None:
        self.context = context
        self.source_object = source_object
        self.object_mapping = context.mapping.objects[source_object]
        assert self.object_mapping.target is not None
        self.target: TargetObject = context.schema.objects[self.object_mapping.target]
        self.counts = PhaseCounts()
        self._lock = threading.Lock()
        self._deferred_columns = set(deferred_columns)
        self._resend = resend or set()
        self._builder = RecordBuilder(
            context.mapping,
            context.schema,
            source_object,
            migration_id=context.journal.migration_id,
            resolve=self._resolve,
            resolve_member=context.members.resolve,
            describe_member=context.members.describe,
            lookup=context.lookup,
        )
        self._sender = BatchSender(
            context.client, context.journal, run_id=context.run_id, on_rejected=self._rejected
        )
        settings = context.mapping.settings
        self._company_names = CompanyNames(settings.duplicate_company_policy)
        self._emails = PersonEmails(settings.duplicate_email_policy)
        self._domains: SharedDomains | None = None

    def load(self, rows: Callable[[], Iterator[dict[str, str]]], *, phase_id: int) -> PhaseCounts:
        """Load every row `rows()` yields; returns the counts once all batches have finished."""
        if self.target.name_singular == "company":
            self._domains = self._scan_shared_domains(rows())

        pending: list[BuiltRecord] = []
        futures: list[Future[None]] = []
        with ThreadPoolExecutor(max_workers=self.context.concurrency) as pool:
            for row in rows():
                if self.context.stop.is_set():
                    break
                record = self._prepare(row)
                if record is None:
                    continue
                pending.append(record)
                if len(pending) >= self.context.batch_size:
                    futures.append(pool.submit(self._send, pending, phase_id))
                    pending = []
                    futures = self._drain(futures, keep=self.context.concurrency * 2)
            if pending and not self.context.stop.is_set():
                futures.append(pool.submit(self._send, pending, phase_id))
            self._drain(futures, keep=0)
        return self.counts

    def _prepare(self, row: dict[str, str]) -> BuiltRecord | None:
        self.counts.read += 1
        for column in self._deferred_columns:
            row = {**row, column: ""}
        record = self._dedupe(self._builder.build(row))
        if record is None:
            return None
        problems = validate_payload(record.payload, self.target)
        if record.is_rejected or any(p.severity.value == "reject" for p in problems):
            reasons = record.reasons + [p.message for p in problems if p.severity.value == "reject"]
            self._quarantine(record, reasons, row)
            return None
        if record.problems:
            self.counts.flagged += 1
        if self._is_unchanged(record):
            with self._lock:
                self.counts.loaded += 1
                self.counts.unchanged += 1
            self.context.on_progress(1)
            return None
        return record

    def _dedupe(self, record: BuiltRecord) -> BuiltRecord | None:
        if self.target.name_singular == "company":
            record = self._company_names.apply(record)
            if self._domains is not None:
                record = self._domains.apply(record)
        if self.target.name_singular == "person":
            outcome = self._emails.apply(record)
            record = outcome.record
            if outcome.linked_to is not None and not record.is_rejected:
                self._link(record, outcome.linked_to)
                return None
        return record

    def _is_unchanged(self, record: BuiltRecord) -> bool:
        if record.source_id in self._resend:
            return False
        entry = self.context.journal.id_map_entry(record.source_object, record.source_id)
        return (
            entry is not None
            and entry.rolled_back_at is None
            and entry.target_id == record.record_id
            and entry.payload_hash == payload_hash(record.payload)
        )

    def _send(self, records: list[BuiltRecord], phase_id: int) -> None:
        records = self._apply_existing_policy(records, phase_id)
        if not records:
            return
        outcome = self._sender.send(self.target.name_plural, records, phase_id=phase_id)
        with self._lock:
            self.counts.loaded += len(outcome.loaded)
        self.context.on_progress(len(records))
        self._send_note_targets(outcome.loaded, phase_id)

    def _drain(self, futures: list[Future[None]], *, keep: int) -> list[Future[None]]:
        while len(futures) > keep:
            futures.pop(0).result()
        return futures

    def _apply_existing_policy(
        self, records: list[BuiltRecord], phase_id: int
    ) -> list[BuiltRecord]:
        keys = unique_keys_for(self.target.name_singular, self.context.era)
        if not keys:
            return records
        matches = find_existing(self.context.client, self.target.name_plural, records, keys)
        if not matches:
            return records
        handled = {match.record.source_id for match in matches}
        for match in matches:
            self._handle_existing(match, phase_id)
        return [record for record in records if record.source_id not in handled]

    def _handle_existing(self, match: ExistingMatch, phase_id: int) -> None:
        policy = self.context.mapping.settings.existing_record_policy
        where = f"{match.key.filter_path} {match.value}"
        holder = f"{self.target.name_singular} {match.existing_id}"
        if match.is_deleted:
            self._quarantine(
                match.record,
                [
                    f"{where} is held by the deleted {holder}; "
                    "destroy it in Twenty (Command menu → See deleted records) and run again"
                ],
                match.record.payload,
            )
            return
        if policy == "quarantine":
            self._quarantine(
                match.record,
                [f"{where} already belongs to {holder} in Twenty"],
                match.record.payload,
            )
            return
        if policy == "link":
            self._link(match.record, match.existing_id)
            return
        self._update_existing(match, phase_id)

    def _link(self, record: BuiltRecord, existing_id: str) -> None:
        item = BatchItem(
            record.source_object,
            record.source_id,
            existing_id,
            payload_hash(record.payload),
            Origin.LINKED,
        )
        batch = self.context.journal.add_batch(
            self.context.run_id,
            target_object=self.target.name_singular,
            operation=BatchOperation.UPDATE,
            items=[item],
        )
        self.context.journal.mark_confirmed(batch.id)
        with self._lock:
            self.counts.loaded += 1
            self.counts.linked += 1

    def _update_existing(self, match: ExistingMatch, phase_id: int) -> None:
        journal = self.context.journal
        journal.save_before_image(
            self.context.run_id,
            target_object=self.target.name_singular,
            target_id=match.existing_id,
            record=match.existing,
        )
        changes = {k: v for k, v in match.record.payload.items() if k != "id"}
        item = BatchItem(
            match.record.source_object,
            match.record.source_id,
            match.existing_id,
            payload_hash(match.record.payload),
            Origin.UPDATED,
        )
        batch = journal.add_batch(
            self.context.run_id,
            target_object=self.target.name_singular,
            operation=BatchOperation.UPDATE,
            items=[item],
            phase_id=phase_id,
        )
        journal.mark_sent(batch.id)
        updated = self.context.client.records.update(
            self.target.name_plural, match.existing_id, changes
        )
        journal.mark_confirmed(
            batch.id, written={match.existing_id: WriteStamp.from_record(updated)}
        )
        with self._lock:
            self.counts.loaded += 1

    def _send_note_targets(self, records: list[BuiltRecord], phase_id: int) -> None:
        columns = [
            (column, entry)
            for column, entry in self.object_mapping.columns.items()
            if entry.transform == "note_target" and not entry.skip
        ]
        for column, entry in columns:
            parent_object = str(entry.params.get("object", ""))
            parent_target = self.context.mapping.objects[parent_object].target or ""
            join_column = f"target{parent_target[:1].upper()}{parent_target[1:]}Id"
            targets = []
            for record in records:
                parent_id = self._resolve(parent_object, record.deferred.get(column, "").strip())
                if parent_id is None:
                    continue
                source_object = f"{self.source_object}.{column}"
                targets.append(
                    BuiltRecord(
                        source_object=source_object,
                        source_id=record.source_id,
                        target_object="noteTarget",
                        record_id=derive_record_id(
                            self.context.journal.migration_id, source_object, record.source_id
                        ),
                        payload={"noteId": record.record_id, join_column: parent_id},
                    )
                )
            for target in targets:
                target.payload["id"] = target.record_id
            if targets:
                self._sender.send("noteTargets", targets, phase_id=phase_id)

    def _resolve(self, source_object: str, source_id: str) -> str | None:
        if not source_id:
            return None
        return self.context.journal.target_id(source_object, source_id)

    def _rejected(self, record: BuiltRecord, reason: str) -> None:
        self._quarantine(record, [f"Twenty rejected the record: {reason}"], record.payload)

    def _quarantine(self, record: BuiltRecord, reasons: list[str], row: dict[str, Any]) -> None:
        self.context.journal.quarantine(
            self.context.run_id,
            source_object=record.source_object,
            source_id=record.source_id,
            reasons=reasons,
            row=row,
        )
        with self._lock:
            self.counts.quarantined += 1
        self.context.on_progress(1)

    def _scan_shared_domains(self, rows: Iterator[dict[str, str]]) -> SharedDomains:
        built = (self._builder.build(row) for row in rows)
        shared = SharedDomains.find_shared(built)
        return SharedDomains(shared, self.context.mapping.settings.shared_domain_policy)

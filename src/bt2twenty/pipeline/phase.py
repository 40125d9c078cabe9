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
from bt2twenty.mapping.model import Mapping, ObjectMapping
from bt2twenty.mapping.target import TargetObject, TargetSchema
from bt2twenty.pipeline.changes import ModifiedWindow, Watermarks
from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.pipeline.preflight import ExistingMatch, find_existing, unique_keys_for
from bt2twenty.pipeline.review import ReviewLog
from bt2twenty.pipeline.sender import BatchSender, payload_hash
from bt2twenty.transform.dedupe import SourceDuplicates
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
    # Rows found new or changed since the last run (sent, unless Twenty rejected them).
    new: int = 0
    changed: int = 0
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
    lookup: Callable[[str, str, str], str | None] = lambda _object, _column, _source_id: None
    window: ModifiedWindow | None = None
    review: ReviewLog | None = None
    watermarks: Watermarks = field(default_factory=Watermarks)
    # Source ids read per object, kept only when a delta needs them to find deletions.
    source_ids: dict[str, set[str]] | None = None


class SourceLookup:
    """Columns of other source objects by row id, each column read once per run on first use."""

    def __init__(self, rows: Callable[[str], Iterator[dict[str, str]]]) -> None:
        self._rows = rows
        self._tables: dict[tuple[str, str], dict[str, str]] = {}

    def __call__(self, source_object: str, column: str, source_id: str) -> str | None:
        """Return `column` of the `source_object` row with `source_id`, or None."""
        key = (source_object, column)
        if key not in self._tables:
            table: dict[str, str] = {}
            for row in self._rows(source_object):
                table[row.get("id", "").strip()] = row.get(column, "")
            self._tables[key] = table
        return self._tables[key].get(source_id)


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
        self._duplicates = SourceDuplicates(self.target.name_singular, context.mapping.settings)

    def load(self, rows: Callable[[], Iterator[dict[str, str]]], *, phase_id: int) -> PhaseCounts:
        """Load every row `rows()` yields; returns the counts once all batches have finished."""
        if self._duplicates.needs_scan:
            self._duplicates.scan(self._builder.build(row) for row in rows())

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
        self._observe(row)
        if self._is_untouched(row):
            with self._lock:
                self.counts.loaded += 1
                self.counts.unchanged += 1
            self.context.on_progress(1)
            return None
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
            if self.context.review is not None:
                self.context.review.add(record)
        if self._is_unchanged(record):
            with self._lock:
                self.counts.loaded += 1
                self.counts.unchanged += 1
            self.context.on_progress(1)
            return None
        return record

    def _dedupe(self, record: BuiltRecord) -> BuiltRecord | None:
        outcome = self._duplicates.apply(record)
        if outcome.linked_to is not None and not outcome.record.is_rejected:
            self._link(outcome.record, outcome.linked_to)
            return None
        return outcome.record

    def _observe(self, row: dict[str, str]) -> None:
        self.context.watermarks.observe(self.source_object, row)
        if self.context.source_ids is not None:
            source_id = row.get("id", "").strip()
            self.context.source_ids.setdefault(self.source_object, set()).add(source_id)

    def _is_untouched(self, row: dict[str, str]) -> bool:
        """Return whether a delta may skip the row, because it is unmodified and already loaded.

        Objects with duplicate policies are always rebuilt, because those policies depend on
        every row before the current one (the second "Acme" becomes "Acme (2)").
        """
        window = self.context.window
        if window is None or self._duplicates.is_stateful:
            return False
        if not window.untouched(self.source_object, row):
            return False
        source_id = row.get("id", "").strip()
        if source_id in self._resend:
            return False
        entry = self.context.journal.id_map_entry(self.source_object, source_id)
        return entry is not None and entry.rolled_back_at is None and entry.deleted_at is None

    def _is_unchanged(self, record: BuiltRecord) -> bool:
        entry = self.context.journal.id_map_entry(record.source_object, record.source_id)
        if entry is None or entry.rolled_back_at is not None:
            self.counts.new += 1
            return False
        if record.source_id not in self._resend and (
            entry.target_id == record.record_id
            and entry.payload_hash == payload_hash(record.payload)
        ):
            return True
        self.counts.changed += 1
        return False

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
        targets = build_note_targets(
            self.context.mapping,
            self.source_object,
            records,
            resolve=self._resolve,
            migration_id=self.context.journal.migration_id,
        )
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


def build_note_targets(
    mapping: Mapping,
    source_object: str,
    records: Iterable[BuiltRecord],
    *,
    resolve: Callable[[str, str], str | None],
    migration_id: str,
) -> list[BuiltRecord]:
    """Build the note targets that link each note of `records` to its parent record.

    A `note_target` column names the parent's source object. Each target gets a deterministic
    id from the column's pseudo source object (`ticket_notes.ticket_id`), so a resent batch
    upserts the same target. Notes whose parent is not in Twenty get none.
    """
    columns = [
        (column, entry)
        for column, entry in mapping.objects[source_object].columns.items()
        if entry.transform == "note_target" and not entry.skip
    ]
    targets = []
    for column, entry in columns:
        parent_object = str(entry.params.get("object", ""))
        parent_target = mapping.objects[parent_object].target or ""
        join_column = f"target{parent_target[:1].upper()}{parent_target[1:]}Id"
        target_source_object = f"{source_object}.{column}"
        for record in records:
            parent_id = resolve(parent_object, record.deferred.get(column, "").strip())
            if parent_id is None:
                continue
            record_id = derive_record_id(migration_id, target_source_object, record.source_id)
            targets.append(
                BuiltRecord(
                    source_object=target_source_object,
                    source_id=record.source_id,
                    target_object="noteTarget",
                    record_id=record_id,
                    payload={"id": record_id, "noteId": record.record_id, join_column: parent_id},
                )
            )
    return targets


def deferred_link_values(
    object_mapping: ObjectMapping,
    columns: Iterable[str],
    row: dict[str, str],
    resolve: Callable[[str, str], str | None],
) -> dict[str, str]:
    """Return the join columns held back to break a cycle, filled from the id map.

    The loader sends them in its second pass, and verify expects them; a parent that is not
    in Twenty leaves its column out.
    """
    links = {}
    for column in columns:
        entry = object_mapping.columns[column]
        parent = str(entry.params.get("object", ""))
        reference = row.get(column, "").strip()
        parent_id = resolve(parent, reference) if reference else None
        if parent_id is not None:
            links[f"{entry.target}Id"] = parent_id
    return links

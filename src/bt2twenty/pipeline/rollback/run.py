"""The rollback stage: undo exactly what the journal records this migration did, and no more.

Records the migration created are destroyed (hard delete, so their unique values are free for
a re-run), children before parents. Pre-existing records it updated get their before-images
back, and records it only linked to are not touched. A record changed in Twenty after the
migration's last write is reported and left alone unless forced, and so is every record a
kept record links to. With `schema`, the custom objects and fields the migration created are
removed too.

A rollback is a journaled run of kind `rollback`: each destroy or restore batch is journaled
before it is sent and marks its id-map rows rolled back when Twenty confirms it. The journal
is the only record of what is left to undo, so a rollback killed at any instant is finished by
the next one. A record already missing from Twenty counts as destroyed.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bt2twenty.errors import Bt2TwentyError, ConfigError
from bt2twenty.journal import (
    BatchItem,
    BatchOperation,
    BatchState,
    IdMapEntry,
    Journal,
    Origin,
    RunKind,
    RunStatus,
    actor_key,
)
from bt2twenty.mapping.workflow import mapping_path
from bt2twenty.mapping.yamlfile import load_mapping
from bt2twenty.pipeline.load import journal_path
from bt2twenty.pipeline.order import plan_load_order
from bt2twenty.pipeline.rollback.checks import check_edited, restore_changes
from bt2twenty.pipeline.rollback.report import (
    LeftAlone,
    ObjectRollback,
    RollbackResult,
    write_report,
)
from bt2twenty.pipeline.rollback.schema import remove_created_schema
from bt2twenty.reports import reports_dir
from bt2twenty.settings import Settings
from bt2twenty.twenty import TwentyApiError, TwentyClient, TwentyNotFoundError

logger = logging.getLogger(__name__)

OnObject = Callable[[str, int], Callable[[int], None]]

# Records per destroy batch and per lookup; 60 ids keep a filter URL near 2.5 KB.
MAX_CHUNK = 60
UNCONFIRMED_LABEL = "(writes never confirmed)"


@dataclass(frozen=True)
class RollbackOptions:
    """The options of one rollback, as the caller requested them."""

    only_run: int | None = None
    is_dry_run: bool = False
    is_forced: bool = False
    with_schema: bool = False


def roll_back(
    settings: Settings,
    *,
    only_run: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    schema: bool = False,
    on_object: OnObject | None = None,
    stop: threading.Event | None = None,
) -> RollbackResult:
    """Undo the migration's records (and, with `schema`, its schema); see the module docstring.

    `only_run` limits it to the records first written by that run. `dry_run` reads Twenty
    and the journal, changes neither, and reports what would happen.
    """
    path = journal_path(settings)
    if not path.is_file():
        raise ConfigError(
            f"No journal in {settings.project_dir}, so there is nothing to roll back.",
            hint="Check --project: it must be the folder `bt2twenty run` loaded from.",
        )
    options = RollbackOptions(only_run, dry_run, force, schema)
    with TwentyClient.from_settings(settings) as client:
        journal = Journal.open(path)
        try:
            _check_run(journal, only_run)
            rollback = Rollback(settings, client, journal, options)
            result = rollback.run(on_object=on_object, stop=stop or threading.Event())
        finally:
            journal.close()
    result.report_paths = write_report(result, reports_dir(settings))
    return result


class Rollback:
    """One rollback: the records to undo, grouped by object in destroy order."""

    def __init__(
        self, settings: Settings, client: TwentyClient, journal: Journal, options: RollbackOptions
    ) -> None:
        self.settings = settings
        self.client = client
        self.journal = journal
        self.options = options
        self.result = RollbackResult(
            run_id=None,
            is_dry_run=options.is_dry_run,
            is_forced=options.is_forced,
            only_run=options.only_run,
        )
        self.chunk = max(1, min(MAX_CHUNK, client.records.max_batch_size))
        self._plurals: dict[str, str] = {}
        self._known_actor: str | None = None
        # Target ids that records left alone link to, each with the first such record.
        self._linked_from_kept: dict[str, str] = {}

    @property
    def run_id(self) -> int:
        assert self.result.run_id is not None
        return self.result.run_id

    def run(self, *, on_object: OnObject | None, stop: threading.Event) -> RollbackResult:
        """Undo every record in scope, then the schema if asked; journal the run."""
        self._plurals = {
            str(item["nameSingular"]): str(item["namePlural"])
            for item in self.client.metadata.list_objects()
        }
        if not self.options.is_dry_run:
            self.result.resumed_batches = _close_interrupted(self.journal)
            options = {
                "only_run": self.options.only_run,
                "force": self.options.is_forced,
                "schema": self.options.with_schema,
            }
            self.result.run_id = self.journal.start_run(RunKind.ROLLBACK, options=options).id
        try:
            self._undo_records(on_object, stop)
            if self.options.with_schema and not stop.is_set():
                self.result.schema = remove_created_schema(
                    self.client,
                    self.journal,
                    only_run=self.options.only_run,
                    run_id=self.result.run_id,
                )
        except KeyboardInterrupt:
            stop.set()
        except Exception as error:
            if self.result.run_id is not None:
                self.journal.finish_run(
                    self.run_id,
                    status=RunStatus.FAILED,
                    summary=self.result.as_json(),
                    error=str(error)[:2000],
                )
            raise
        self.result.interrupted = stop.is_set()
        if self.result.run_id is not None:
            status = RunStatus.INTERRUPTED if self.result.interrupted else RunStatus.COMPLETED
            self.journal.finish_run(self.run_id, status=status, summary=self.result.as_json())
        return self.result

    # Records

    def _undo_records(self, on_object: OnObject | None, stop: threading.Event) -> None:
        unconfirmed = self._unconfirmed_creates()
        for source_object in self._destroy_order(extra=unconfirmed):
            if stop.is_set():
                return
            entries = self.journal.id_map_entries(
                source_object=source_object, run_id=self.options.only_run
            )
            total = self._count(source_object)
            advance = on_object(source_object, total) if on_object else (lambda _count: None)
            for chunk in _chunks(entries, self.chunk):
                self._undo_chunk(source_object, chunk)
                advance(len(chunk))
                if stop.is_set():
                    return
            for target_object, items in unconfirmed.get(source_object, {}).items():
                for part in _chunks(iter(items), self.chunk):
                    self._undo_unconfirmed(target_object, part)

    def _undo_chunk(self, source_object: str, chunk: list[IdMapEntry]) -> None:
        by_target: dict[str, list[IdMapEntry]] = {}
        for entry in chunk:
            by_target.setdefault(entry.target_object, []).append(entry)
        for target_object, entries in by_target.items():
            report = self._report(source_object, target_object)
            report.total += len(entries)
            linked = [e for e in entries if e.origin is Origin.LINKED]
            written = [e for e in entries if e.origin is not Origin.LINKED]
            report.unlinked += len(linked)
            if written:
                self._undo_written(report, written)
            if linked and not self.options.is_dry_run:
                self.journal.mark_rolled_back(
                    source_object, [e.source_id for e in linked], run_id=self.run_id
                )

    def _undo_written(self, report: ObjectRollback, entries: list[IdMapEntry]) -> None:
        plural = self._plural(report.target_object)
        current = self._fetch(plural, [entry.target_id for entry in entries])
        missing: list[IdMapEntry] = []
        to_destroy: list[IdMapEntry] = []
        to_restore: list[tuple[IdMapEntry, dict[str, Any]]] = []
        for entry in entries:
            record = current.get(entry.target_id)
            if record is None:
                missing.append(entry)
            elif self._is_left_alone(report, entry, record):
                continue
            elif entry.origin is Origin.CREATED:
                to_destroy.append(entry)
            else:
                to_restore.append((entry, record))

        report.already_gone += len(missing)
        if self.options.is_dry_run:
            report.destroyed += len(to_destroy)
            report.restored += len(to_restore)
            return
        if missing:
            self.journal.mark_rolled_back(
                report.source_object, [entry.source_id for entry in missing], run_id=self.run_id
            )
        for entry, record in to_restore:
            self._restore(report, plural, entry, record)
        if to_destroy:
            self._destroy(report, plural, to_destroy)

    def _is_left_alone(
        self, report: ObjectRollback, entry: IdMapEntry, record: dict[str, Any]
    ) -> bool:
        """Decide whether to keep a record, and if so list it with the reason.

        A record is kept when it was edited after the migration's last write (unless forced),
        or when a kept record links to it: destroying it would empty that record's link.
        Children are undone before parents, so every link to a record is known by its turn.
        """
        our_actor = self._our_actor(entry, record)
        check = check_edited(entry, record, our_actor=our_actor)
        if check.by_actor_only:
            self.result.checked_by_actor_only += 1
        reason = None if self.options.is_forced else check.reason
        if reason is None and entry.target_id in self._linked_from_kept:
            reason = f"a record left alone links to it ({self._linked_from_kept[entry.target_id]})"
        if reason is None:
            return False

        report.left_alone += 1
        self.result.left_alone.append(
            LeftAlone(
                source_object=entry.source_object,
                source_id=entry.source_id,
                target_object=entry.target_object,
                target_id=entry.target_id,
                origin=entry.origin.value,
                reason=reason,
            )
        )
        for key, value in record.items():
            if key.endswith("Id") and _is_uuid(value):
                self._linked_from_kept.setdefault(value, f"{entry.target_object} {entry.target_id}")
        return True

    def _our_actor(self, entry: IdMapEntry, record: dict[str, Any]) -> str | None:
        """Return the actor the migration's writes show, learnt from the journal or Twenty.

        A record the migration created shows that actor in `createdBy`, which the loader
        never sets, so Twenty fills it from the caller.
        """
        if entry.stamp is not None and entry.stamp.updated_by is not None:
            self._known_actor = entry.stamp.updated_by
        if entry.origin is Origin.CREATED:
            created_by = actor_key(record.get("createdBy"))
            if created_by is not None:
                self._known_actor = self._known_actor or created_by
                return created_by
        return self._known_actor

    def _destroy(self, report: ObjectRollback, plural: str, entries: list[IdMapEntry]) -> None:
        batch = self.journal.add_batch(
            self.run_id,
            target_object=report.target_object,
            operation=BatchOperation.DELETE,
            items=[_item(entry) for entry in entries],
        )
        self.journal.mark_sent(batch.id)
        ids = [entry.target_id for entry in entries]
        # NOTE: a record edited between the lookup and this request is destroyed anyway,
        # because the destroy filter names ids only.
        try:
            destroyed = self.client.records.delete_many(plural, filter=_ids_filter(ids), soft=False)
        except TwentyApiError as error:
            self._fail(report, batch.id, len(entries), f"destroying {plural}: {error}")
            return
        self.journal.mark_confirmed(batch.id)
        count = len({str(record.get("id")) for record in destroyed} & set(ids))
        report.destroyed += count
        report.already_gone += len(entries) - count
        logger.info("Destroyed %d %s in batch %d", count, plural, batch.id)

    def _restore(
        self, report: ObjectRollback, plural: str, entry: IdMapEntry, record: dict[str, Any]
    ) -> None:
        image = self.journal.before_image(entry.target_object, entry.target_id)
        if image is None:
            report.left_alone += 1
            self.result.left_alone.append(
                LeftAlone(
                    entry.source_object,
                    entry.source_id,
                    entry.target_object,
                    entry.target_id,
                    entry.origin.value,
                    "the journal holds no before-image of this record to write back",
                )
            )
            return
        changes = restore_changes(image.record, record)
        batch = self.journal.add_batch(
            self.run_id,
            target_object=entry.target_object,
            operation=BatchOperation.UPDATE,
            items=[_item(entry)],
        )
        self.journal.mark_sent(batch.id)
        try:
            if changes:
                self.client.records.update(plural, entry.target_id, changes)
        except TwentyNotFoundError:
            report.already_gone += 1
        except TwentyApiError as error:
            self._fail(report, batch.id, 1, f"restoring {plural} {entry.target_id}: {error}")
            return
        else:
            report.restored += 1
        self.journal.mark_confirmed(batch.id)

    def _fail(self, report: ObjectRollback, batch_id: int, count: int, reason: str) -> None:
        self.journal.mark_failed(batch_id, reason=reason[:2000])
        report.failed += count
        self.result.errors.append(reason)
        logger.error("Rollback batch %d failed: %s", batch_id, reason)

    # Records a killed load sent but never saw confirmed

    def _unconfirmed_creates(self) -> dict[str, dict[str, list[BatchItem]]]:
        """Return records of unconfirmed creates that no id-map row holds, by source and target.

        A load killed after Twenty created a batch but before the journal confirmed it leaves
        records the id map does not know. Their ids are the migration's own (UUIDv5), so a
        record with such an id can only be one the migration created.
        """
        batches = self.journal.unconfirmed_batches() + self.journal.batches(state=BatchState.FAILED)
        found: dict[str, dict[str, dict[str, BatchItem]]] = {}
        for batch in batches:
            if batch.operation not in (BatchOperation.CREATE, BatchOperation.UPSERT):
                continue
            if self.options.only_run is not None and batch.run_id != self.options.only_run:
                continue
            for item in batch.items:
                own_id = self.journal.record_id(item.source_object, item.source_id)
                if item.target_id != own_id:
                    continue
                if self.journal.target_id(item.source_object, item.source_id) is not None:
                    continue
                by_target = found.setdefault(item.source_object, {})
                by_target.setdefault(batch.target_object, {})[item.target_id] = item
        return {
            source: {target: list(items.values()) for target, items in targets.items()}
            for source, targets in found.items()
        }

    def _undo_unconfirmed(self, target_object: str, items: list[BatchItem]) -> None:
        plural = self._plural(target_object)
        present = set(self._fetch(plural, [item.target_id for item in items]))
        items = [item for item in items if item.target_id in present]
        if not items:
            return
        report = self._report(UNCONFIRMED_LABEL, target_object)
        report.total += len(items)
        if self.options.is_dry_run:
            report.destroyed += len(items)
            return
        entries = [_entry_for(item, target_object) for item in items]
        self._destroy(report, plural, entries)

    # Lookups

    def _fetch(self, plural: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Return the records among `ids` that Twenty holds, soft-deleted ones included."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), self.chunk):
            condition = _ids_filter(ids[start : start + self.chunk])
            for record in self.client.records.iterate(plural, filter=condition):
                found[str(record["id"])] = record
        return found

    def _plural(self, target_object: str) -> str:
        if target_object not in self._plurals:
            raise ConfigError(
                f"The journal lists {target_object} records, but Twenty has no object "
                f"{target_object}.",
                hint="Check --twenty-url: it must be the workspace this migration loaded into.",
            )
        return self._plurals[target_object]

    def _report(self, source_object: str, target_object: str) -> ObjectRollback:
        for report in self.result.objects:
            if (report.source_object, report.target_object) == (source_object, target_object):
                return report
        report = ObjectRollback(source_object, target_object)
        self.result.objects.append(report)
        return report

    def _count(self, source_object: str) -> int:
        return sum(
            1
            for _ in self.journal.id_map_entries(
                source_object=source_object, run_id=self.options.only_run
            )
        )

    def _destroy_order(self, *, extra: Iterable[str] = ()) -> list[str]:
        """Return the journal's source objects (and `extra` ones), children before parents.

        The order is the reverse of the mapping's load order, and the records derived from an
        object (source objects such as `ticket_notes.ticket_id`) go just before it. Objects the
        mapping no longer names go first, newest first as the journal recorded them.
        """
        names = [count.source_object for count in self.journal.count_by_object()]
        names += [name for name in extra if name not in names]
        load_order = _load_order(self.settings)
        position = {name: index for index, name in enumerate(load_order)}
        known = [name for name in names if name.partition(".")[0] in position]
        unknown = [name for name in names if name.partition(".")[0] not in position]
        if unknown:
            logger.warning("Objects the mapping does not name are undone first: %s", unknown)
        unknown.sort(key=self._first_recorded, reverse=True)
        # Deeper names are children: `agents.company_id.target` links `agents.company_id`.
        known.sort(key=lambda name: (-position[name.partition(".")[0]], -name.count(".")))
        return unknown + known

    def _first_recorded(self, source_object: str) -> str:
        first = next(
            self.journal.id_map_entries(source_object=source_object, include_rolled_back=True),
            None,
        )
        return first.recorded_at if first is not None else ""


def _load_order(settings: Settings) -> list[str]:
    try:
        mapping = load_mapping(mapping_path(settings))
    except (Bt2TwentyError, OSError) as error:
        logger.warning("Cannot read the mapping (%s); ordering by the journal alone", error)
        return []
    return plan_load_order(mapping).objects


def _check_run(journal: Journal, only_run: int | None) -> None:
    if only_run is None:
        return
    if not any(run.id == only_run for run in journal.runs()):
        raise ConfigError(
            f"Run {only_run} is not in the journal.",
            hint="`bt2twenty status` lists the runs of this migration.",
        )


def _close_interrupted(journal: Journal) -> int:
    """Close the runs and batches a killed process left open; the id map still lists the work."""
    unconfirmed = journal.unconfirmed_batches()
    for batch in unconfirmed:
        journal.mark_failed(batch.id, reason="interrupted; the next run redoes its records")
    for run in journal.unfinished_runs():
        journal.finish_run(
            run.id, status=RunStatus.INTERRUPTED, error="the process stopped before it finished"
        )
    if unconfirmed:
        logger.info("Resuming: %d batches of an interrupted run are redone", len(unconfirmed))
    return len(unconfirmed)


def _chunks(entries: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ids_filter(ids: Sequence[str]) -> str:
    """Build a filter for these ids that matches soft-deleted records too.

    Twenty leaves soft-deleted records out of a list unless the filter names `deletedAt`.
    """
    return f"and(id[in]:{json.dumps(list(ids))},or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL))"


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _item(entry: IdMapEntry) -> BatchItem:
    return BatchItem(
        source_object=entry.source_object,
        source_id=entry.source_id,
        target_id=entry.target_id,
        payload_hash=entry.payload_hash,
        origin=entry.origin,
    )


def _entry_for(item: BatchItem, target_object: str) -> IdMapEntry:
    return IdMapEntry(
        source_object=item.source_object,
        source_id=item.source_id,
        target_object=target_object,
        target_id=item.target_id,
        payload_hash=item.payload_hash,
        origin=Origin.CREATED,
        run_id=0,
        last_run_id=0,
        batch_id=None,
        recorded_at="",
        updated_at="",
        deleted_at=None,
        rolled_back_at=None,
        rolled_back_run_id=None,
    )

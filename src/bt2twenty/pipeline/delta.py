"""The delta run: bring Twenty up to date with the source while the team still works in Bluetrait.

`run_delta` is a load run that reads a new export (or the same one again) and sends what is new
or changed since the previous run, through the same journaled and idempotent loader. Rows the
source stamps as unmodified since the last full run are skipped (see `changes`). Then it looks
for deletions: records this migration created whose source row is gone. The mapping's
`deleted_record_policy` decides what happens to them:

- `leave`: they stay in Twenty and are listed;
- `flag`: they stay, and a line in their `unplacedValues` field records the deletion;
- `remove`: they are soft-deleted, children before parents, so an admin can restore them from
  Twenty's deleted records, and the journal marks them deleted.

A deletion is acted on once: the next delta lists it as known, so two deltas in a row report
zero changes the second time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bt2twenty.journal import (
    BatchItem,
    BatchOperation,
    Journal,
    Origin,
    RunKind,
    RunStatus,
    WriteStamp,
)
from bt2twenty.mapping.target import schema_from_metadata
from bt2twenty.mapping.workflow import check_confirmed
from bt2twenty.pipeline.load import LoadResult, journal_path, run_load
from bt2twenty.pipeline.order import plan_load_order
from bt2twenty.settings import Settings
from bt2twenty.transform.payload import UNPLACED_FIELD
from bt2twenty.twenty import TwentyClient, TwentyNotFoundError

logger = logging.getLogger(__name__)

DELETED_NOTE = "Deleted in Bluetrait: its row was missing from the source in the delta of {date}."


@dataclass
class Deletion:
    """A record this migration created whose source row is gone."""

    source_object: str
    source_id: str
    target_object: str
    target_id: str
    action: str

    def as_json(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class DeltaResult:
    """A delta run: what was new or changed per object, and what was deleted in Bluetrait."""

    load: LoadResult
    policy: str
    deletions: list[Deletion] = field(default_factory=list)
    known_deletions: int = 0
    deletion_run_id: int | None = None

    @property
    def changes(self) -> int:
        """Rows sent because they were new or changed, plus deletions acted on now."""
        found = sum(report.counts.new + report.counts.changed for report in self.load.objects)
        return found + len(self.deletions)

    def as_json(self) -> dict[str, Any]:
        return {
            "load": self.load.as_json(),
            "policy": self.policy,
            "changes": self.changes,
            "new": {r.source_object: r.counts.new for r in self.load.objects if r.counts.new},
            "changed": {
                r.source_object: r.counts.changed for r in self.load.objects if r.counts.changed
            },
            "deleted": [deletion.as_json() for deletion in self.deletions],
            "known_deletions": self.known_deletions,
        }


def run_delta(
    settings: Settings,
    *,
    source: Path | None = None,
    on_phase: Callable[[str, int], Callable[[int], None]] | None = None,
    stop: threading.Event | None = None,
) -> DeltaResult:
    """Send what changed in the source since the last run, then act on deletions."""
    stop = stop or threading.Event()
    load = run_load(settings, source=source, on_phase=on_phase, stop=stop, delta=True)
    with TwentyClient.from_settings(settings) as client:
        schema = schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())
        mapping, _lock = check_confirmed(settings, schema=schema)
        policy = mapping.settings.deleted_record_policy
        result = DeltaResult(load=load, policy=policy)
        if load.interrupted:
            return result

        journal = Journal.open(journal_path(settings))
        try:
            known = known_deletions(journal)
            gone = _gone_records(journal, load.source_ids, known)
            result.known_deletions = len(known)
            run = journal.start_run(RunKind.DELTA, options={"step": "deletions", "policy": policy})
            result.deletion_run_id = run.id
            order = [name for name in reversed(plan_load_order(mapping).objects)]
            gone.sort(key=lambda entry: _position(order, entry.source_object))
            for entry in gone:
                if stop.is_set():
                    break
                objects_path = schema.objects[entry.target_object].name_plural
                action = _apply_policy(client, journal, run.id, policy, entry, objects_path)
                result.deletions.append(
                    Deletion(
                        entry.source_object,
                        entry.source_id,
                        entry.target_object,
                        entry.target_id,
                        action,
                    )
                )
            status = RunStatus.INTERRUPTED if stop.is_set() else RunStatus.COMPLETED
            journal.finish_run(
                run.id,
                status=status,
                summary={"deleted": [deletion.as_json() for deletion in result.deletions]},
            )
        finally:
            journal.close()
    logger.info(
        "Delta: %d changes, %d deletions (%s)", result.changes, len(result.deletions), policy
    )
    return result


def known_deletions(journal: Journal) -> set[tuple[str, str]]:
    """Return the source rows earlier deltas found deleted, as (source object, source id)."""
    known = set()
    for run in journal.runs(kind=RunKind.DELTA):
        summary = run.summary if isinstance(run.summary, dict) else {}
        for deletion in summary.get("deleted") or []:
            known.add((str(deletion["source_object"]), str(deletion["source_id"])))
    return known


def _gone_records(
    journal: Journal, source_ids: dict[str, set[str]], known: set[tuple[str, str]]
) -> list[Any]:
    """Return the id-map rows of created records whose source rows the delta did not read."""
    gone = []
    for source_object, present in source_ids.items():
        for entry in journal.id_map_entries(source_object=source_object, origin=Origin.CREATED):
            if entry.deleted_at is not None or entry.source_id in present:
                continue
            if (entry.source_object, entry.source_id) in known:
                continue
            gone.append(entry)
    return gone


def _position(order: list[str], source_object: str) -> int:
    return order.index(source_object) if source_object in order else len(order)


def _apply_policy(
    client: TwentyClient,
    journal: Journal,
    run_id: int,
    policy: str,
    entry: Any,
    objects_path: str,
) -> str:
    """Act on one deleted source row by the policy; return what was done."""
    if policy == "leave":
        return "left in Twenty"
    if policy == "flag":
        return _flag(client, journal, entry, objects_path)
    return _remove(client, journal, run_id, entry, objects_path)


def _flag(client: TwentyClient, journal: Journal, entry: Any, objects_path: str) -> str:
    try:
        record = client.records.get(objects_path, entry.target_id)
    except TwentyNotFoundError:
        logger.info("%s %s was already gone from Twenty", entry.target_object, entry.target_id)
        return "already gone from Twenty"
    note = DELETED_NOTE.format(date=datetime.now(UTC).strftime("%Y-%m-%d"))
    current = str(record.get(UNPLACED_FIELD) or "")
    updated = client.records.update(
        objects_path, entry.target_id, {UNPLACED_FIELD: f"{current}\n{note}".strip()}
    )
    # The note changes `updatedAt`; rollback compares against what Twenty returned here.
    journal.record_written({entry.target_id: WriteStamp.from_record(updated)})
    return "flagged in unplacedValues"


def _remove(
    client: TwentyClient, journal: Journal, run_id: int, entry: Any, objects_path: str
) -> str:
    item = BatchItem(entry.source_object, entry.source_id, entry.target_id, entry.payload_hash)
    batch = journal.add_batch(
        run_id, target_object=entry.target_object, operation=BatchOperation.DELETE, items=[item]
    )
    journal.mark_sent(batch.id)
    action = "soft-deleted in Twenty"
    deleted = None
    try:
        deleted = client.records.delete(objects_path, entry.target_id, soft=True)
    except TwentyNotFoundError:
        logger.info("%s %s was already gone from Twenty", entry.target_object, entry.target_id)
        action = "already gone from Twenty"
    journal.mark_confirmed(batch.id)
    if deleted is not None:
        journal.record_written({entry.target_id: WriteStamp.from_record(deleted)})
    return action


def delta_markdown(result: DeltaResult) -> str:
    """Return the delta's report: changes per object, then every deletion and what was done."""
    lines = [
        f"# Delta run {result.load.run_id}",
        "",
        f"{result.changes} changes; deletion policy `{result.policy}`; "
        f"{result.known_deletions} deletions known from earlier deltas.",
        "",
        "| source object | new | changed | unchanged | quarantined |",
        "|---|---:|---:|---:|---:|",
    ]
    for report in result.load.objects:
        counts = report.counts
        if counts.read:
            lines.append(
                f"| {report.source_object} | {counts.new} | {counts.changed} | "
                f"{counts.unchanged} | {counts.quarantined} |"
            )
    if result.deletions:
        lines += ["", "## Deleted in Bluetrait", "", "| source row | Twenty record | action |"]
        lines.append("|---|---|---|")
        for deletion in result.deletions:
            lines.append(
                f"| {deletion.source_object} {deletion.source_id} | "
                f"{deletion.target_object} {deletion.target_id} | {deletion.action} |"
            )
    lines.append("")
    return "\n".join(lines)

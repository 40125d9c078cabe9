"""`JournalStatus`: one summary of a journal, as text for people and as JSON for tools."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from bt2twenty.journal.idmap import ObjectCount
from bt2twenty.journal.models import Run
from bt2twenty.journal.schema import applied_version

logger = logging.getLogger(__name__)

RECENT_RUNS_SHOWN = 10


@dataclass(frozen=True)
class ObjectStatus:
    """Id-map and quarantine counts of one source object."""

    source_object: str
    target_object: str | None
    created: int
    linked: int
    updated: int
    deleted: int
    rolled_back: int
    quarantined: int


@dataclass(frozen=True)
class JournalStatus:
    """Summary of a migration: its runs, its objects and the batches still to redo."""

    path: str
    migration_id: str
    schema_version: int
    runs: tuple[Run, ...]
    objects: tuple[ObjectStatus, ...]
    pending_batches: int
    sent_batches: int
    failed_batches: int
    schema_changes: int

    @property
    def unconfirmed_batches(self) -> int:
        return self.pending_batches + self.sent_batches

    @property
    def has_unfinished_work(self) -> bool:
        """True when a run was interrupted or a batch awaits confirmation."""
        return self.unconfirmed_batches > 0 or any(not run.is_finished for run in self.runs)

    def as_dict(self) -> dict[str, Any]:
        """Return the status as plain JSON-ready data."""
        data = asdict(self)
        data["unconfirmed_batches"] = self.unconfirmed_batches
        data["has_unfinished_work"] = self.has_unfinished_work
        return data

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def as_text(self) -> str:
        """Render the status as aligned lines for a terminal."""
        lines = [
            f"Journal {self.path}",
            f"Migration {self.migration_id} (journal schema version {self.schema_version})",
            "",
            *_run_lines(self.runs),
            "",
            *_object_lines(self.objects),
            "",
            f"Batches: {self.pending_batches} pending, {self.sent_batches} sent and unconfirmed, "
            f"{self.failed_batches} failed",
            f"Schema changes journaled: {self.schema_changes}",
        ]
        if self.has_unfinished_work:
            running = sum(not run.is_finished for run in self.runs)
            lines.append(
                f"Unfinished work: {running} run(s) still marked running and "
                f"{self.unconfirmed_batches} batch(es) unconfirmed. Resume them before new work."
            )
        return "\n".join(lines)


def read_status(
    connection: sqlite3.Connection,
    *,
    path: str,
    migration_id: str,
    runs: tuple[Run, ...],
    counts: list[ObjectCount],
    quarantined: dict[str, int],
) -> JournalStatus:
    """Build the status from the caller's snapshot and the lists it already read in it."""
    batch_states = dict(
        connection.execute("SELECT state, COUNT(*) FROM batches GROUP BY state").fetchall()
    )
    changes = connection.execute(
        "SELECT COUNT(*) FROM schema_changes WHERE removed_at IS NULL"
    ).fetchone()[0]
    return JournalStatus(
        path=path,
        migration_id=migration_id,
        schema_version=applied_version(connection),
        runs=runs,
        objects=merge_counts(counts, quarantined),
        pending_batches=batch_states.get("pending", 0),
        sent_batches=batch_states.get("sent", 0),
        failed_batches=batch_states.get("failed", 0),
        schema_changes=changes,
    )


def merge_counts(
    counts: list[ObjectCount], quarantined: dict[str, int]
) -> tuple[ObjectStatus, ...]:
    by_object = {count.source_object: count for count in counts}
    names = sorted(set(by_object) | set(quarantined))
    return tuple(
        _object_status(name, by_object.get(name), quarantined.get(name, 0)) for name in names
    )


def _object_status(name: str, count: ObjectCount | None, quarantined: int) -> ObjectStatus:
    if count is None:
        return ObjectStatus(name, None, 0, 0, 0, 0, 0, quarantined)
    return ObjectStatus(
        source_object=name,
        target_object=count.target_object,
        created=count.created,
        linked=count.linked,
        updated=count.updated,
        deleted=count.deleted,
        rolled_back=count.rolled_back,
        quarantined=quarantined,
    )


def _run_lines(runs: tuple[Run, ...]) -> list[str]:
    if not runs:
        return ["Runs: none yet"]
    lines = [f"Runs: {len(runs)} (latest {min(len(runs), RECENT_RUNS_SHOWN)} shown)"]
    for run in runs[-RECENT_RUNS_SHOWN:]:
        finished = run.finished_at or "-"
        lines.append(
            f"  #{run.id:<5} {run.kind:<8} {run.status:<11} {run.started_at}  → {finished}"
        )
    return lines


def _object_lines(objects: tuple[ObjectStatus, ...]) -> list[str]:
    if not objects:
        return ["Objects: nothing recorded yet"]
    header = (
        "object",
        "target",
        "created",
        "linked",
        "updated",
        "deleted",
        "rolled back",
        "quarantined",
    )
    rows = [header] + [
        (
            item.source_object,
            item.target_object or "-",
            *(
                str(value)
                for value in (
                    item.created,
                    item.linked,
                    item.updated,
                    item.deleted,
                    item.rolled_back,
                    item.quarantined,
                )
            ),
        )
        for item in objects
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]

"""The id map: which Twenty record each source row became, and how it got there.

Rows are written only when a batch is confirmed (see `BatchesMixin.mark_confirmed`), in the
same transaction. A row's origin keeps the strongest claim the migration has on the record.
`created` stays `created` across later updates, and `linked` becomes `updated` once the
migration changes the record. A row that rollback removed starts afresh when a later run
writes it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.models import (
    Batch,
    BatchItem,
    BatchOperation,
    IdMapEntry,
    Origin,
    WriteStamp,
)
from bt2twenty.journal.store import utc_now

logger = logging.getLogger(__name__)

# Source ids per `IN (...)` query; well under SQLite's default limit of 32,766 variables.
_LOOKUP_CHUNK = 500
_PAGE_SIZE = 1_000

_UPSERT_ENTRY = """
INSERT INTO id_map (source_object, source_id, target_object, target_id, payload_hash, origin,
                    run_id, last_run_id, batch_id, recorded_at, updated_at,
                    written_updated_at, written_by)
VALUES (:source_object, :source_id, :target_object, :target_id, :payload_hash, :origin,
        :run_id, :run_id, :batch_id, :now, :now, :written_updated_at, :written_by)
ON CONFLICT (source_object, source_id) DO UPDATE SET
    target_object = excluded.target_object,
    written_updated_at = excluded.written_updated_at,
    written_by = excluded.written_by,
    target_id = excluded.target_id,
    payload_hash = excluded.payload_hash,
    last_run_id = excluded.last_run_id,
    batch_id = excluded.batch_id,
    updated_at = excluded.updated_at,
    deleted_at = NULL,
    origin = CASE
        WHEN id_map.rolled_back_at IS NOT NULL THEN excluded.origin
        WHEN id_map.origin = 'created' THEN 'created'
        WHEN excluded.origin = 'updated' THEN 'updated'
        ELSE id_map.origin
    END,
    run_id = CASE WHEN id_map.rolled_back_at IS NOT NULL THEN excluded.run_id
                  ELSE id_map.run_id END,
    recorded_at = CASE WHEN id_map.rolled_back_at IS NOT NULL THEN excluded.recorded_at
                       ELSE id_map.recorded_at END,
    rolled_back_at = NULL,
    rolled_back_run_id = NULL
"""


@dataclass(frozen=True)
class ObjectCount:
    """Id-map rows of one source object, by origin; rolled-back rows are counted apart."""

    source_object: str
    target_object: str
    created: int
    linked: int
    updated: int
    deleted: int
    rolled_back: int

    @property
    def active(self) -> int:
        """Rows that still point at a record the migration holds."""
        return self.created + self.linked + self.updated


class IdMapMixin(JournalBase):
    """Look up, iterate, count and roll back id-map rows."""

    def target_id(self, source_object: str, source_id: str) -> str | None:
        """Return the Twenty id of a source row, or None if unmapped or rolled back."""
        with self._store.reading() as connection:
            row = connection.execute(
                "SELECT target_id FROM id_map WHERE source_object = ? AND source_id = ? "
                "AND rolled_back_at IS NULL",
                (source_object, source_id),
            ).fetchone()
        return None if row is None else str(row[0])

    def lookup_many(self, source_object: str, source_ids: Iterable[str]) -> dict[str, str]:
        """Return {source id: Twenty id} for the mapped ids among `source_ids`."""
        requested = list(dict.fromkeys(source_ids))
        found: dict[str, str] = {}
        with self._store.snapshot() as connection:
            for start in range(0, len(requested), _LOOKUP_CHUNK):
                chunk = requested[start : start + _LOOKUP_CHUNK]
                rows = connection.execute(
                    "SELECT source_id, target_id FROM id_map WHERE source_object = ? "
                    f"AND rolled_back_at IS NULL AND source_id IN ({', '.join('?' * len(chunk))})",
                    (source_object, *chunk),
                )
                found.update((row[0], row[1]) for row in rows)
        return found

    def id_map_entry(self, source_object: str, source_id: str) -> IdMapEntry | None:
        """Return the full id-map row of a source row, rolled back or not, or None."""
        with self._store.reading() as connection:
            row = connection.execute(
                "SELECT rowid, * FROM id_map WHERE source_object = ? AND source_id = ?",
                (source_object, source_id),
            ).fetchone()
        return None if row is None else _entry_from_row(row)

    def entry_for_target(self, target_object: str, target_id: str) -> IdMapEntry | None:
        """Return the id-map row that points at a Twenty record, rolled back or not, or None."""
        with self._store.reading() as connection:
            row = connection.execute(
                "SELECT rowid, * FROM id_map WHERE target_object = ? AND target_id = ? "
                "ORDER BY rowid DESC LIMIT 1",
                (target_object, target_id),
            ).fetchone()
        return None if row is None else _entry_from_row(row)

    def id_map_entries(
        self,
        *,
        source_object: str | None = None,
        target_object: str | None = None,
        run_id: int | None = None,
        origin: Origin | str | None = None,
        include_rolled_back: bool = False,
        newest_first: bool = False,
    ) -> Iterator[IdMapEntry]:
        """Yield id-map rows in the order they were first recorded (or the reverse).

        `run_id` selects rows first written by that run. Rows are read a page at a time, each
        page in its own snapshot, so other threads may write while the caller iterates.
        """
        clauses, parameters = _entry_filters(
            source_object=source_object,
            target_object=target_object,
            run_id=run_id,
            origin=origin,
            include_rolled_back=include_rolled_back,
        )
        yield from self._paged_entries(clauses, parameters, newest_first=newest_first)

    def count_by_object(self) -> list[ObjectCount]:
        """Return per-object counts of id-map rows, sorted by source object."""
        with self._store.snapshot() as connection:
            rows = connection.execute(_COUNT_QUERY).fetchall()
        return [ObjectCount(*row) for row in rows]

    def mark_rolled_back(
        self, source_object: str, source_ids: Sequence[str], *, run_id: int
    ) -> int:
        """Mark id-map rows as undone by rollback run `run_id`; return how many changed.

        Rows stay in the journal with the rollback's time and run, so a killed rollback skips
        them when it resumes. Rows already rolled back are left as they are.
        """
        now = utc_now()
        changed = 0
        with self._store.transaction() as connection:
            for start in range(0, len(source_ids), _LOOKUP_CHUNK):
                chunk = list(source_ids[start : start + _LOOKUP_CHUNK])
                cursor = connection.execute(
                    "UPDATE id_map SET rolled_back_at = ?, rolled_back_run_id = ? "
                    "WHERE source_object = ? AND rolled_back_at IS NULL "
                    f"AND source_id IN ({', '.join('?' * len(chunk))})",
                    (now, run_id, source_object, *chunk),
                )
                changed += cursor.rowcount
        logger.debug("Rolled back %d %s id-map rows in run %d", changed, source_object, run_id)
        return changed

    def record_written(self, stamps: Mapping[str, WriteStamp]) -> int:
        """Store what Twenty returned after a write made outside a batch, keyed by target id.

        Every active id-map row of each record gets the stamp; return how many rows changed.
        Twenty ids are UUIDs, so the id alone names the record.
        """
        with self._store.transaction() as connection:
            changed = 0
            for target_id, stamp in stamps.items():
                cursor = connection.execute(
                    "UPDATE id_map SET written_updated_at = ?, written_by = ? "
                    "WHERE target_id = ? AND rolled_back_at IS NULL",
                    (stamp.updated_at, stamp.updated_by, target_id),
                )
                changed += cursor.rowcount
        return changed

    def _paged_entries(
        self, clauses: list[str], parameters: list[object], *, newest_first: bool
    ) -> Iterator[IdMapEntry]:
        direction, compare = ("DESC", "<") if newest_first else ("ASC", ">")
        last: int | None = None
        while True:
            page_clauses = list(clauses)
            page_parameters = list(parameters)
            if last is not None:
                page_clauses.append(f"rowid {compare} ?")
                page_parameters.append(last)
            where = f" WHERE {' AND '.join(page_clauses)}" if page_clauses else ""
            with self._store.snapshot() as connection:
                rows = connection.execute(
                    f"SELECT rowid, * FROM id_map{where} ORDER BY rowid {direction} LIMIT ?",
                    (*page_parameters, _PAGE_SIZE),
                ).fetchall()
            if not rows:
                return
            yield from (_entry_from_row(row) for row in rows)
            last = rows[-1]["rowid"]


def apply_confirmed_items(
    connection: sqlite3.Connection,
    batch: Batch,
    items: Sequence[BatchItem],
    *,
    written: Mapping[str, WriteStamp] | None = None,
) -> None:
    """Write a confirmed batch's effect on the id map inside the caller's transaction.

    `written`, keyed by target id, is what Twenty returned for each record written. A record
    without one gets no stamp, because any stamp kept from an earlier write is stale.
    """
    now = utc_now()
    stamps = written or {}
    if batch.operation is BatchOperation.DELETE:
        _set_deleted(connection, items, deleted_at=now)
        return
    if batch.operation is BatchOperation.RESTORE:
        _set_deleted(connection, items, deleted_at=None)
        return

    connection.executemany(
        _UPSERT_ENTRY,
        [
            {
                "source_object": item.source_object,
                "source_id": item.source_id,
                "target_object": batch.target_object,
                "target_id": item.target_id,
                "payload_hash": item.payload_hash,
                "origin": (item.origin or Origin.CREATED).value,
                "run_id": batch.run_id,
                "batch_id": batch.id,
                "now": now,
                "written_updated_at": _stamp_of(stamps, item).updated_at,
                "written_by": _stamp_of(stamps, item).updated_by,
            }
            for item in items
        ],
    )


def apply_rolled_back_items(
    connection: sqlite3.Connection, batch: Batch, items: Sequence[BatchItem]
) -> None:
    """Mark the id-map rows of a confirmed rollback batch as undone by its run.

    Every active row that points at one of the batch's records is marked, so the rows that
    only linked a source row to a destroyed record go with it.
    """
    now = utc_now()
    connection.executemany(
        "UPDATE id_map SET rolled_back_at = ?, rolled_back_run_id = ? "
        "WHERE rolled_back_at IS NULL AND ((source_object = ? AND source_id = ?) "
        "OR (target_object = ? AND target_id = ?))",
        [
            (
                now,
                batch.run_id,
                item.source_object,
                item.source_id,
                batch.target_object,
                item.target_id,
            )
            for item in items
        ],
    )


_NO_STAMP = WriteStamp(updated_at=None, updated_by=None)


def _stamp_of(stamps: Mapping[str, WriteStamp], item: BatchItem) -> WriteStamp:
    return stamps.get(item.target_id, _NO_STAMP)


def _set_deleted(
    connection: sqlite3.Connection, items: Sequence[BatchItem], *, deleted_at: str | None
) -> None:
    connection.executemany(
        "UPDATE id_map SET deleted_at = ? WHERE source_object = ? AND source_id = ?",
        [(deleted_at, item.source_object, item.source_id) for item in items],
    )


_COUNT_QUERY = """
SELECT source_object,
       MAX(target_object),
       SUM(rolled_back_at IS NULL AND deleted_at IS NULL AND origin = 'created'),
       SUM(rolled_back_at IS NULL AND deleted_at IS NULL AND origin = 'linked'),
       SUM(rolled_back_at IS NULL AND deleted_at IS NULL AND origin = 'updated'),
       SUM(rolled_back_at IS NULL AND deleted_at IS NOT NULL),
       SUM(rolled_back_at IS NOT NULL)
FROM id_map GROUP BY source_object ORDER BY source_object
"""


def _entry_filters(
    *,
    source_object: str | None,
    target_object: str | None,
    run_id: int | None,
    origin: Origin | str | None,
    include_rolled_back: bool,
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    parameters: list[object] = []
    for column, value in (
        ("source_object", source_object),
        ("target_object", target_object),
        ("run_id", run_id),
        ("origin", None if origin is None else Origin(origin).value),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            parameters.append(value)
    if not include_rolled_back:
        clauses.append("rolled_back_at IS NULL")
    return clauses, parameters


def _entry_from_row(row: sqlite3.Row) -> IdMapEntry:
    return IdMapEntry(
        source_object=row["source_object"],
        source_id=row["source_id"],
        target_object=row["target_object"],
        target_id=row["target_id"],
        payload_hash=row["payload_hash"],
        origin=Origin(row["origin"]),
        run_id=row["run_id"],
        last_run_id=row["last_run_id"],
        batch_id=row["batch_id"],
        recorded_at=row["recorded_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        rolled_back_at=row["rolled_back_at"],
        rolled_back_run_id=row["rolled_back_run_id"],
        written_updated_at=row["written_updated_at"],
        written_by=row["written_by"],
    )

"""Batches: each write to Twenty, journaled before it is sent and after Twenty confirms it.

A batch moves `pending → sent → confirmed`, or ends `failed` with a reason. Its items (source
row, deterministic target id, payload hash) are stored with it, so a resumed run resends
exactly the records of a batch that was never confirmed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace

from bt2twenty.errors import FatalError
from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.before_images import mark_images_restored
from bt2twenty.journal.idmap import apply_confirmed_items, apply_rolled_back_items
from bt2twenty.journal.models import (
    Batch,
    BatchItem,
    BatchOperation,
    BatchState,
    Origin,
    RunKind,
    WriteStamp,
)
from bt2twenty.journal.quarantine import release_rows
from bt2twenty.journal.runs import require_running
from bt2twenty.journal.store import utc_now
from bt2twenty.redaction import redact

logger = logging.getLogger(__name__)

_IMPLIED_ORIGIN = {BatchOperation.CREATE: Origin.CREATED, BatchOperation.UPDATE: Origin.UPDATED}
_WRITES_RECORDS = {BatchOperation.CREATE, BatchOperation.UPSERT, BatchOperation.UPDATE}


class BatchesMixin(JournalBase):
    """Add batches and move them through their states."""

    def add_batch(
        self,
        run_id: int,
        *,
        target_object: str,
        operation: BatchOperation | str,
        items: Sequence[BatchItem],
        phase_id: int | None = None,
    ) -> Batch:
        """Record a batch as `pending`; the batch and all its items are committed together."""
        batch_operation = BatchOperation(operation)
        _check_items(batch_operation, items)

        with self._store.transaction() as connection:
            require_running(connection, run_id)
            cursor = connection.execute(
                "INSERT INTO batches (run_id, phase_id, target_object, operation, state, "
                "created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
                (run_id, phase_id, target_object, batch_operation.value, utc_now()),
            )
            batch_id = cursor.lastrowid
            connection.executemany(
                "INSERT INTO batch_items (batch_id, position, source_object, source_id, "
                "target_id, payload_hash, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        batch_id,
                        position,
                        item.source_object,
                        item.source_id,
                        item.target_id,
                        item.payload_hash,
                        None if item.origin is None else item.origin.value,
                    )
                    for position, item in enumerate(items)
                ],
            )
            batch = fetch_batch(connection, int(batch_id or 0), with_items=False)
        batch = replace(batch, items=tuple(items))
        logger.debug("Journaled batch %d: %s %d %s", batch.id, operation, len(items), target_object)
        return batch

    def mark_sent(self, batch_id: int) -> Batch:
        """Record that the batch is about to go (again) to Twenty; counts the attempt."""
        with self._store.transaction() as connection:
            batch = fetch_batch(connection, batch_id)
            _require_state(batch, BatchState.PENDING, BatchState.SENT, action="sent")
            sent_at = utc_now()
            connection.execute(
                "UPDATE batches SET state = 'sent', sent_at = ?, attempts = attempts + 1 "
                "WHERE id = ?",
                (sent_at, batch_id),
            )
        return replace(batch, state=BatchState.SENT, sent_at=sent_at, attempts=batch.attempts + 1)

    def mark_confirmed(
        self,
        batch_id: int,
        *,
        origins: Mapping[str, Origin | str] | None = None,
        written: Mapping[str, WriteStamp] | None = None,
    ) -> Batch:
        """Record that Twenty confirmed the batch, with its effect on the id map.

        The batch's state and its id-map rows are committed together. Create, upsert and
        update batches write the rows of their items and release those rows from quarantine.
        Delete batches mark the rows deleted, and restore batches clear that mark.
        `origins`, keyed by target id, overrides or supplies each item's origin; `written`,
        keyed by target id, is what Twenty returned for each record (`WriteStamp`).
        A batch of a rollback run instead marks its rows rolled back, and an update batch
        there (a before-image written back) also marks the before-image restored.
        Confirming a confirmed batch again changes nothing.
        """
        with self._store.transaction() as connection:
            batch = fetch_batch(connection, batch_id)
            if batch.state is BatchState.CONFIRMED:
                return batch
            _require_state(batch, BatchState.PENDING, BatchState.SENT, action="confirmed")

            if _is_rollback_run(connection, batch.run_id):
                items = batch.items
                _apply_rollback(connection, batch)
            else:
                items = _resolve_origins(batch, origins or {})
                apply_confirmed_items(connection, batch, items, written=written)
                if batch.operation in _WRITES_RECORDS:
                    release_rows(connection, items, run_id=batch.run_id)
            finished_at = utc_now()
            connection.execute(
                "UPDATE batches SET state = 'confirmed', finished_at = ? WHERE id = ?",
                (finished_at, batch_id),
            )
        confirmed = replace(batch, state=BatchState.CONFIRMED, finished_at=finished_at)
        logger.debug("Confirmed batch %d (%d items)", batch_id, len(items))
        return confirmed

    def mark_failed(self, batch_id: int, *, reason: str) -> Batch:
        """Record that the batch will not be confirmed, with a reason (stored redacted)."""
        with self._store.transaction() as connection:
            batch = fetch_batch(connection, batch_id, with_items=False)
            _require_state(batch, BatchState.PENDING, BatchState.SENT, action="failed")
            connection.execute(
                "UPDATE batches SET state = 'failed', reason = ?, finished_at = ? WHERE id = ?",
                (redact(reason), utc_now(), batch_id),
            )
            failed = fetch_batch(connection, batch_id)
        logger.warning("Batch %d failed: %s", batch_id, failed.reason)
        return failed

    def batch(self, batch_id: int) -> Batch:
        """Return one batch with its items; raise `FatalError` if it is not in the journal."""
        with self._store.snapshot() as connection:
            return fetch_batch(connection, batch_id)

    def batches(
        self, *, run_id: int | None = None, state: BatchState | str | None = None
    ) -> list[Batch]:
        """Return batches with their items, oldest first, filtered by run and state."""
        clauses, parameters = _filters(run_id=run_id, states=None if state is None else [state])
        return self._select_batches(clauses, parameters)

    def unconfirmed_batches(self, run_id: int | None = None) -> list[Batch]:
        """Return pending and sent batches, oldest first: exactly what a resumed run redoes."""
        clauses, parameters = _filters(run_id=run_id, states=[BatchState.PENDING, BatchState.SENT])
        return self._select_batches(clauses, parameters)

    def _select_batches(self, clauses: list[str], parameters: list[object]) -> list[Batch]:
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._store.snapshot() as connection:
            ids = connection.execute(
                f"SELECT id FROM batches{where} ORDER BY id", parameters
            ).fetchall()
            return [fetch_batch(connection, row[0]) for row in ids]


def fetch_batch(connection: sqlite3.Connection, batch_id: int, *, with_items: bool = True) -> Batch:
    """Read one batch (and, by default, its items in order) inside the caller's transaction."""
    row = connection.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    if row is None:
        raise FatalError(f"Batch {batch_id} is not in the journal.")
    items: tuple[BatchItem, ...] = ()
    if with_items:
        items = tuple(
            _item_from_row(item)
            for item in connection.execute(
                "SELECT * FROM batch_items WHERE batch_id = ? ORDER BY position", (batch_id,)
            )
        )
    return Batch(
        id=row["id"],
        run_id=row["run_id"],
        phase_id=row["phase_id"],
        target_object=row["target_object"],
        operation=BatchOperation(row["operation"]),
        state=BatchState(row["state"]),
        attempts=row["attempts"],
        reason=row["reason"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        finished_at=row["finished_at"],
        items=items,
    )


def _is_rollback_run(connection: sqlite3.Connection, run_id: int) -> bool:
    row = connection.execute("SELECT kind FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row is not None and row["kind"] == RunKind.ROLLBACK.value


def _apply_rollback(connection: sqlite3.Connection, batch: Batch) -> None:
    apply_rolled_back_items(connection, batch, batch.items)
    if batch.operation is BatchOperation.UPDATE:
        mark_images_restored(
            connection,
            batch.target_object,
            [item.target_id for item in batch.items],
            run_id=batch.run_id,
        )


def _item_from_row(row: sqlite3.Row) -> BatchItem:
    return BatchItem(
        source_object=row["source_object"],
        source_id=row["source_id"],
        target_id=row["target_id"],
        payload_hash=row["payload_hash"],
        origin=None if row["origin"] is None else Origin(row["origin"]),
    )


def _check_items(operation: BatchOperation, items: Sequence[BatchItem]) -> None:
    if not items:
        raise ValueError("a batch needs at least one item")
    keys = [(item.source_object, item.source_id) for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError("a batch lists the same source row twice")
    targets = [item.target_id for item in items]
    if len(set(targets)) != len(targets):
        raise ValueError("a batch lists the same target id twice")


def _resolve_origins(batch: Batch, origins: Mapping[str, Origin | str]) -> tuple[BatchItem, ...]:
    if batch.operation not in _WRITES_RECORDS:
        return batch.items

    resolved = []
    missing = []
    for item in batch.items:
        override = origins.get(item.target_id)
        origin = Origin(override) if override is not None else item.origin
        origin = origin or _IMPLIED_ORIGIN.get(batch.operation)
        if origin is None:
            missing.append(item.target_id)
        resolved.append(
            BatchItem(
                source_object=item.source_object,
                source_id=item.source_id,
                target_id=item.target_id,
                payload_hash=item.payload_hash,
                origin=origin,
            )
        )

    if missing:
        raise FatalError(
            f"Batch {batch.id} ({batch.operation}) cannot be confirmed: no origin for "
            f"{len(missing)} item(s), first {missing[0]}.",
            hint="Pass origins={target_id: 'created' | 'linked' | 'updated'} for upserted items.",
        )
    return tuple(resolved)


def _require_state(batch: Batch, *allowed: BatchState, action: str) -> None:
    if batch.state not in allowed:
        raise FatalError(f"Batch {batch.id} is {batch.state}, so it cannot be marked {action}.")


def _filters(
    *, run_id: int | None, states: Sequence[BatchState | str] | None
) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    parameters: list[object] = []
    if run_id is not None:
        clauses.append("run_id = ?")
        parameters.append(run_id)
    if states is not None:
        clauses.append(f"state IN ({', '.join('?' for _ in states)})")
        parameters.extend(BatchState(state).value for state in states)
    return clauses, parameters

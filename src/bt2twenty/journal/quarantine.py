"""Quarantine: source rows held back with reasons, until a later run loads them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.models import BatchItem, QuarantineEntry
from bt2twenty.journal.store import dump_json, load_json, utc_now

logger = logging.getLogger(__name__)

_UPSERT_ACTIVE = """
INSERT INTO quarantine (run_id, source_object, source_id, reasons, row, quarantined_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (source_object, source_id) WHERE released_at IS NULL DO UPDATE SET
    run_id = excluded.run_id,
    reasons = excluded.reasons,
    row = excluded.row,
    quarantined_at = excluded.quarantined_at
"""


class QuarantineMixin(JournalBase):
    """Put rows in quarantine, list and count them, and release them."""

    def quarantine(
        self,
        run_id: int,
        *,
        source_object: str,
        source_id: str,
        reasons: Sequence[str],
        row: Mapping[str, Any],
    ) -> QuarantineEntry:
        """Hold a source row back; reasons and row are stored redacted.

        A row already in quarantine keeps one entry, updated with the latest run, reasons
        and row.
        """
        if not reasons:
            raise ValueError("a quarantined row needs at least one reason")
        with self._store.transaction() as connection:
            connection.execute(
                _UPSERT_ACTIVE,
                (
                    run_id,
                    source_object,
                    source_id,
                    dump_json(list(reasons)),
                    dump_json(dict(row)),
                    utc_now(),
                ),
            )
            entry = connection.execute(
                "SELECT * FROM quarantine WHERE source_object = ? AND source_id = ? "
                "AND released_at IS NULL",
                (source_object, source_id),
            ).fetchone()
        logger.info("Quarantined %s %s: %s", source_object, source_id, "; ".join(reasons))
        return _entry_from_row(entry)

    def quarantined(
        self, *, source_object: str | None = None, include_released: bool = False
    ) -> Iterator[QuarantineEntry]:
        """Yield quarantine entries in the order they were recorded."""
        clauses = [] if include_released else ["released_at IS NULL"]
        parameters: list[object] = []
        if source_object is not None:
            clauses.append("source_object = ?")
            parameters.append(source_object)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._store.snapshot() as connection:
            rows = connection.execute(
                f"SELECT * FROM quarantine{where} ORDER BY id", parameters
            ).fetchall()
        yield from (_entry_from_row(row) for row in rows)

    def quarantine_counts(self) -> dict[str, int]:
        """Return {source object: rows still in quarantine}."""
        with self._store.snapshot() as connection:
            rows = connection.execute(
                "SELECT source_object, COUNT(*) FROM quarantine WHERE released_at IS NULL "
                "GROUP BY source_object ORDER BY source_object"
            ).fetchall()
        return {row[0]: row[1] for row in rows}

    def release(self, source_object: str, source_ids: Sequence[str], *, run_id: int) -> int:
        """Release rows from quarantine because run `run_id` loaded them; return how many."""
        items = [BatchItem(source_object, source_id, "", "") for source_id in source_ids]
        with self._store.transaction() as connection:
            return release_rows(connection, items, run_id=run_id)


def release_rows(connection: sqlite3.Connection, items: Sequence[BatchItem], *, run_id: int) -> int:
    """Release the items' rows from quarantine inside the caller's transaction."""
    now = utc_now()
    cursor = connection.executemany(
        "UPDATE quarantine SET released_at = ?, released_run_id = ? "
        "WHERE source_object = ? AND source_id = ? AND released_at IS NULL",
        [(now, run_id, item.source_object, item.source_id) for item in items],
    )
    return cursor.rowcount


def _entry_from_row(row: sqlite3.Row) -> QuarantineEntry:
    return QuarantineEntry(
        id=row["id"],
        run_id=row["run_id"],
        source_object=row["source_object"],
        source_id=row["source_id"],
        reasons=tuple(load_json(row["reasons"])),
        row=load_json(row["row"]),
        quarantined_at=row["quarantined_at"],
        released_at=row["released_at"],
        released_run_id=row["released_run_id"],
    )

"""Before-images: pre-existing Twenty records as they were before the migration changed them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.models import BeforeImage
from bt2twenty.journal.store import dump_json, load_json, utc_now

logger = logging.getLogger(__name__)


class BeforeImagesMixin(JournalBase):
    """Save, read and mark restored the before-images rollback writes back."""

    def save_before_image(
        self, run_id: int, *, target_object: str, target_id: str, record: Mapping[str, Any]
    ) -> bool:
        """Store a record's state before its first update; return False if one was kept already.

        The first write wins: a later update of the same record must not replace the state
        the record had before the migration touched it. Save it before sending the update.
        The record is stored redacted, so a credential-shaped value in it comes back masked.
        """
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO before_images (target_object, target_id, run_id, record, "
                "captured_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (target_object, target_id) DO NOTHING",
                (target_object, target_id, run_id, dump_json(dict(record)), utc_now()),
            )
            return cursor.rowcount == 1

    def before_image(self, target_object: str, target_id: str) -> BeforeImage | None:
        """Return the before-image of one record, or None if the migration kept none."""
        with self._store.reading() as connection:
            row = connection.execute(
                "SELECT * FROM before_images WHERE target_object = ? AND target_id = ?",
                (target_object, target_id),
            ).fetchone()
        return None if row is None else _image_from_row(row)

    def before_images(
        self, *, run_id: int | None = None, include_restored: bool = False
    ) -> Iterator[BeforeImage]:
        """Yield before-images in the order they were captured; restored ones only if asked."""
        clauses = [] if include_restored else ["restored_at IS NULL"]
        parameters: list[object] = []
        if run_id is not None:
            clauses.append("run_id = ?")
            parameters.append(run_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._store.snapshot() as connection:
            rows = connection.execute(
                f"SELECT * FROM before_images{where} ORDER BY rowid", parameters
            ).fetchall()
        yield from (_image_from_row(row) for row in rows)

    def mark_restored(self, target_object: str, target_id: str, *, run_id: int) -> bool:
        """Mark a before-image as written back by rollback run `run_id`; False if it was already."""
        with self._store.transaction() as connection:
            return mark_images_restored(connection, target_object, [target_id], run_id=run_id) == 1


def mark_images_restored(
    connection: sqlite3.Connection, target_object: str, target_ids: Sequence[str], *, run_id: int
) -> int:
    """Mark before-images written back by rollback run `run_id`, inside the caller's transaction.

    Return how many changed; images already marked are left as they are.
    """
    now = utc_now()
    changed = 0
    for target_id in target_ids:
        cursor = connection.execute(
            "UPDATE before_images SET restored_at = ?, restored_run_id = ? "
            "WHERE target_object = ? AND target_id = ? AND restored_at IS NULL",
            (now, run_id, target_object, target_id),
        )
        changed += cursor.rowcount
    return changed


def _image_from_row(row: sqlite3.Row) -> BeforeImage:
    return BeforeImage(
        target_object=row["target_object"],
        target_id=row["target_id"],
        run_id=row["run_id"],
        record=load_json(row["record"]),
        captured_at=row["captured_at"],
        restored_at=row["restored_at"],
        restored_run_id=row["restored_run_id"],
    )

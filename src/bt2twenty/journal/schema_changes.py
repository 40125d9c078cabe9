"""Schema changes: every object, field and option the schema stage added to Twenty."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.models import SchemaChange, SchemaChangeKind
from bt2twenty.journal.store import dump_json, load_json, utc_now

logger = logging.getLogger(__name__)


class SchemaChangesMixin(JournalBase):
    """Record schema changes, list them forward or in reverse, and mark them removed."""

    def record_schema_change(
        self,
        run_id: int,
        *,
        kind: SchemaChangeKind | str,
        object_name: str,
        field_name: str | None = None,
        metadata_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> SchemaChange:
        """Journal one change made to Twenty's metadata; `details` are stored redacted."""
        change_kind = SchemaChangeKind(kind)
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO schema_changes (run_id, kind, object_name, field_name, "
                "metadata_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    change_kind.value,
                    object_name,
                    field_name,
                    metadata_id,
                    dump_json(dict(details or {})),
                    utc_now(),
                ),
            )
            row = connection.execute(
                "SELECT * FROM schema_changes WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
        change = _change_from_row(row)
        logger.info("Journaled schema change %d: %s %s", change.id, change.kind, _label(change))
        return change

    def schema_changes(
        self, *, reverse: bool = False, include_removed: bool = False
    ) -> list[SchemaChange]:
        """Return schema changes in creation order, or reversed (the order rollback removes)."""
        where = "" if include_removed else " WHERE removed_at IS NULL"
        order = "DESC" if reverse else "ASC"
        with self._store.snapshot() as connection:
            rows = connection.execute(
                f"SELECT * FROM schema_changes{where} ORDER BY id {order}"
            ).fetchall()
        return [_change_from_row(row) for row in rows]

    def mark_schema_change_removed(self, change_id: int, *, run_id: int) -> bool:
        """Mark a change as undone by rollback run `run_id`; False if it was already."""
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "UPDATE schema_changes SET removed_at = ?, removed_run_id = ? "
                "WHERE id = ? AND removed_at IS NULL",
                (utc_now(), run_id, change_id),
            )
            return cursor.rowcount == 1


def _label(change: SchemaChange) -> str:
    if change.field_name:
        return f"{change.object_name}.{change.field_name}"
    return change.object_name


def _change_from_row(row: sqlite3.Row) -> SchemaChange:
    return SchemaChange(
        id=row["id"],
        run_id=row["run_id"],
        kind=SchemaChangeKind(row["kind"]),
        object_name=row["object_name"],
        field_name=row["field_name"],
        metadata_id=row["metadata_id"],
        details=load_json(row["details"]),
        created_at=row["created_at"],
        removed_at=row["removed_at"],
        removed_run_id=row["removed_run_id"],
    )

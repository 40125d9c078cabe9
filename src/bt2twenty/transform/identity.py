"""Deterministic record ids: the same migration, object and source id always give the same UUID.

A retried, resumed or re-run load therefore sends the same ids, and Twenty's upsert by id never
creates a second record. Relation join columns can be filled before the parent is loaded.
"""

from __future__ import annotations

import uuid


def record_id(migration_id: str, source_object: str, source_id: str) -> str:
    """Return the Twenty id of a source record: UUIDv5 of the migration, object and id."""
    namespace = uuid.UUID(migration_id)
    return str(uuid.uuid5(namespace, f"{source_object}:{source_id.strip()}"))

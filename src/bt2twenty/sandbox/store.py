"""SQLite storage of the sandbox: metadata, records, unique values, files and invitations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bt2twenty.sandbox.schema import FieldMeta, JsonObject, ObjectMeta

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta_objects (id TEXT PRIMARY KEY, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta_fields (
    id TEXT PRIMARY KEY, object_id TEXT NOT NULL, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    object TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, deleted_at TEXT,
    PRIMARY KEY (object, id));
CREATE TABLE IF NOT EXISTS unique_values (
    object TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
    record_id TEXT NOT NULL, live INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS unique_values_lookup ON unique_values (object, field, value);
CREATE INDEX IF NOT EXISTS unique_values_record ON unique_values (object, record_id);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, name TEXT NOT NULL, mime_type TEXT NOT NULL,
    size INTEGER NOT NULL, content BLOB NOT NULL, field_metadata_id TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY, email TEXT NOT NULL, role_id TEXT, expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL);
"""


# Compact JSON without the circular-reference check: records are plain trees of JSON values.
encode_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


class Store:
    """One SQLite database in WAL mode; each API request runs in one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=OFF")
        # A 64 MiB page cache: by estimate enough for the indexes of a few hundred thousand
        # records, so inserts do not slow down as a workspace grows.
        self.connection.execute("PRAGMA cache_size=-65536")
        self.connection.execute("PRAGMA case_sensitive_like=ON")
        self.connection.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block in one transaction, rolled back if it raises."""
        if self.connection.in_transaction:
            yield
            return
        self.connection.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read query and return every row."""
        return self.connection.execute(sql, parameters).fetchall()

    # Settings

    def setting(self, key: str) -> str | None:
        """Return a stored setting, or None."""
        rows = self.query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        self.connection.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value)
        )

    # Metadata

    def save_object(self, meta: ObjectMeta) -> None:
        """Insert or replace an object's metadata, without its fields."""
        self.connection.execute(
            "INSERT OR REPLACE INTO meta_objects (id, document) VALUES (?, ?)",
            (meta.id, json.dumps(meta.to_json())),
        )

    def save_field(self, meta: FieldMeta) -> None:
        """Insert or replace a field's metadata."""
        self.connection.execute(
            "INSERT OR REPLACE INTO meta_fields (id, object_id, document) VALUES (?, ?, ?)",
            (meta.id, meta.object_id, json.dumps(meta.to_json())),
        )

    def delete_object_metadata(self, object_id: str) -> None:
        """Delete an object's metadata and its fields."""
        self.connection.execute("DELETE FROM meta_fields WHERE object_id = ?", (object_id,))
        self.connection.execute("DELETE FROM meta_objects WHERE id = ?", (object_id,))

    def delete_field_metadata(self, field_id: str) -> None:
        """Delete one field's metadata."""
        self.connection.execute("DELETE FROM meta_fields WHERE id = ?", (field_id,))

    def load_metadata(self) -> list[ObjectMeta]:
        """Load every object with its fields, in insertion order."""
        objects: dict[str, ObjectMeta] = {}
        for (document,) in self.query("SELECT document FROM meta_objects ORDER BY rowid"):
            meta = ObjectMeta.from_json(json.loads(document))
            objects[meta.id] = meta
        for (document,) in self.query("SELECT document FROM meta_fields ORDER BY rowid"):
            field = FieldMeta.from_json(json.loads(document))
            objects[field.object_id].fields[field.name] = field
        return list(objects.values())

    # Records

    def fetch(self, object_name: str, record_id: str) -> tuple[JsonObject, str | None] | None:
        """Return a record and its deletion time, soft-deleted or not, or None."""
        rows = self.query(
            "SELECT data, deleted_at FROM records WHERE object = ? AND id = ?",
            (object_name, record_id),
        )
        if not rows:
            return None
        return json.loads(rows[0][0]), rows[0][1]

    def fetch_many(self, object_name: str, record_ids: Sequence[str]) -> dict[str, JsonObject]:
        """Return the records with these ids, soft-deleted or not, by id."""
        found: dict[str, JsonObject] = {}
        for start in range(0, len(record_ids), 500):
            chunk = list(record_ids[start : start + 500])
            placeholders = ",".join("?" * len(chunk))
            rows = self.query(
                f"SELECT id, data FROM records WHERE object = ? AND id IN ({placeholders})",
                (object_name, *chunk),
            )
            found.update({row[0]: json.loads(row[1]) for row in rows})
        return found

    def exists(self, object_name: str, record_id: str) -> bool:
        """Return whether a record with this id exists, soft-deleted or not."""
        rows = self.query(
            "SELECT 1 FROM records WHERE object = ? AND id = ?", (object_name, record_id)
        )
        return bool(rows)

    def insert(self, object_name: str, record: JsonObject) -> None:
        """Insert a new record."""
        self.connection.execute(
            "INSERT INTO records (object, id, data, deleted_at) VALUES (?, ?, ?, ?)",
            (object_name, record["id"], encode_json(record), record.get("deletedAt")),
        )

    def replace(self, object_name: str, record: JsonObject) -> None:
        """Overwrite an existing record."""
        self.connection.execute(
            "UPDATE records SET data = ?, deleted_at = ? WHERE object = ? AND id = ?",
            (encode_json(record), record.get("deletedAt"), object_name, record["id"]),
        )

    def destroy(self, object_name: str, record_id: str) -> None:
        """Delete a record and its unique values for good."""
        self.connection.execute(
            "DELETE FROM records WHERE object = ? AND id = ?", (object_name, record_id)
        )
        self.remove_unique_values(object_name, record_id)

    def destroy_object(self, object_name: str) -> None:
        """Delete every record of an object, as dropping its table does."""
        self.connection.execute("DELETE FROM records WHERE object = ?", (object_name,))
        self.connection.execute("DELETE FROM unique_values WHERE object = ?", (object_name,))

    def max_position(self, object_name: str) -> float:
        """Return the highest position of an object's records, or 0."""
        rows = self.query(
            "SELECT MAX(json_extract(data, '$.position')) FROM records WHERE object = ?",
            (object_name,),
        )
        value = rows[0][0]
        return float(value) if value is not None else 0.0

    def ids_referencing(self, object_name: str, column: str, record_id: str) -> list[str]:
        """Return ids of `object_name` records whose join `column` contains `record_id`."""
        rows = self.query(
            f"SELECT id FROM records WHERE object = ? AND json_extract(data, '$.{column}') = ?",
            (object_name, record_id),
        )
        return [row[0] for row in rows]

    def records_of(self, object_name: str) -> Iterator[JsonObject]:
        """Yield every record of an object, soft-deleted ones included."""
        for (data,) in self.query("SELECT data FROM records WHERE object = ?", (object_name,)):
            yield json.loads(data)

    # Unique values

    def add_unique_values(
        self, object_name: str, record_id: str, values: Sequence[tuple[str, str]], live: bool
    ) -> None:
        """Store the unique values of a record."""
        self.connection.executemany(
            "INSERT INTO unique_values (object, field, value, record_id, live) "
            "VALUES (?, ?, ?, ?, ?)",
            [(object_name, field, value, record_id, int(live)) for field, value in values],
        )

    def remove_unique_values(self, object_name: str, record_id: str) -> None:
        """Forget every unique value of a record."""
        self.connection.execute(
            "DELETE FROM unique_values WHERE object = ? AND record_id = ?",
            (object_name, record_id),
        )

    def holders_of(self, object_name: str, field: str, value: str, *, live_only: bool) -> list[str]:
        """Return ids of records holding `value` in the unique index on `field`."""
        sql = "SELECT record_id FROM unique_values WHERE object = ? AND field = ? AND value = ?"
        if live_only:
            sql += " AND live = 1"
        return [row[0] for row in self.query(sql, (object_name, field, value))]

    # Files and invitations

    def save_file(self, document: JsonObject, content: bytes) -> None:
        """Store an uploaded file with its bytes."""
        self.connection.execute(
            "INSERT INTO files (id, path, name, mime_type, size, content, field_metadata_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document["id"],
                document["path"],
                document["name"],
                document["mimeType"],
                len(content),
                content,
                document.get("fieldMetadataId"),
                document["createdAt"],
            ),
        )

    def file_by_path(self, path: str) -> tuple[str, str, bytes] | None:
        """Return the name, MIME type and bytes of a stored file, by path or id."""
        rows = self.query(
            "SELECT name, mime_type, content FROM files WHERE path = ? OR id = ?", (path, path)
        )
        if not rows:
            return None
        name, mime_type, content = rows[0]
        return str(name), str(mime_type), bytes(content)

    def is_file_referenced(self, file_id: str) -> bool:
        """Return whether a live record's FILES field contains the file, so Twenty keeps it."""
        rows = self.query(
            "SELECT 1 FROM records WHERE deleted_at IS NULL AND instr(data, ?) > 0 LIMIT 1",
            (f'"fileId":"{file_id}"',),
        )
        return bool(rows)

    def replace_file_content(self, path: str, content: bytes) -> None:
        """Overwrite a stored file's bytes (by path or id), as a change behind the API's back."""
        self.connection.execute(
            "UPDATE files SET content = ?, size = ? WHERE path = ? OR id = ?",
            (content, len(content), path, path),
        )

    def save_invitation(self, invitation: JsonObject) -> None:
        """Store one workspace invitation."""
        self.connection.execute(
            "INSERT INTO invitations (id, email, role_id, expires_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                invitation["id"],
                invitation["email"],
                invitation.get("roleId"),
                invitation["expiresAt"],
                invitation["createdAt"],
            ),
        )

    def invitations(self) -> list[JsonObject]:
        """Return every invitation sent, oldest first."""
        rows = self.query(
            "SELECT id, email, role_id, expires_at, created_at FROM invitations ORDER BY rowid"
        )
        return [
            {
                "id": row[0],
                "email": row[1],
                "roleId": row[2],
                "expiresAt": row[3],
                "createdAt": row[4],
            }
            for row in rows
        ]

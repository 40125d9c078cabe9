"""The journal's versioned schema: numbered migrations applied forward, each recorded once.

`migrate` runs inside the caller's transaction, so a file is either at its old version or
fully at the new one. A file whose highest applied version is above `SCHEMA_VERSION` was
written by a newer bt2twenty and is rejected before anything is changed.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bt2twenty import __version__
from bt2twenty.journal.store import JournalError, utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaMigration:
    """One step of the journal schema; `statements` run in order inside one transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


_RUN_STATUS = "('running', 'completed', 'failed', 'interrupted')"
_ORIGIN = "('created', 'linked', 'updated')"

MIGRATIONS: tuple[SchemaMigration, ...] = (
    SchemaMigration(
        version=1,
        description="runs, phases, batches, id map, before-images, quarantine, schema changes",
        statements=(
            """CREATE TABLE migration (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                tool_version TEXT NOT NULL
            )""",
            f"""CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN
                    ('schema', 'load', 'sample', 'delta', 'verify', 'rollback')),
                status TEXT NOT NULL CHECK (status IN {_RUN_STATUS}),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                tool_version TEXT NOT NULL,
                options TEXT NOT NULL,
                summary TEXT,
                error TEXT
            )""",
            f"""CREATE TABLE phases (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs (id),
                source_object TEXT NOT NULL,
                target_object TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN {_RUN_STATUS}),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                read_count INTEGER NOT NULL DEFAULT 0,
                loaded_count INTEGER NOT NULL DEFAULT 0,
                skipped_count INTEGER NOT NULL DEFAULT 0,
                quarantined_count INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX phases_run ON phases (run_id)",
            """CREATE TABLE batches (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs (id),
                phase_id INTEGER REFERENCES phases (id),
                target_object TEXT NOT NULL,
                operation TEXT NOT NULL CHECK (operation IN
                    ('create', 'upsert', 'update', 'delete', 'restore')),
                state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'confirmed', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                reason TEXT,
                created_at TEXT NOT NULL,
                sent_at TEXT,
                finished_at TEXT
            )""",
            "CREATE INDEX batches_run ON batches (run_id)",
            """CREATE INDEX batches_unconfirmed ON batches (state)
                WHERE state IN ('pending', 'sent')""",
            f"""CREATE TABLE batch_items (
                batch_id INTEGER NOT NULL REFERENCES batches (id),
                position INTEGER NOT NULL,
                source_object TEXT NOT NULL,
                source_id TEXT NOT NULL,
                target_id TEXT NOT NULL,
                payload_hash TEXT NOT NULL,
                origin TEXT CHECK (origin IN {_ORIGIN}),
                PRIMARY KEY (batch_id, position)
            ) WITHOUT ROWID""",
            f"""CREATE TABLE id_map (
                source_object TEXT NOT NULL,
                source_id TEXT NOT NULL,
                target_object TEXT NOT NULL,
                target_id TEXT NOT NULL,
                payload_hash TEXT NOT NULL,
                origin TEXT NOT NULL CHECK (origin IN {_ORIGIN}),
                run_id INTEGER NOT NULL REFERENCES runs (id),
                last_run_id INTEGER NOT NULL REFERENCES runs (id),
                batch_id INTEGER REFERENCES batches (id),
                recorded_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                deleted_at TEXT,
                PRIMARY KEY (source_object, source_id)
            )""",
            "CREATE INDEX id_map_target ON id_map (target_object, target_id)",
            "CREATE INDEX id_map_run ON id_map (run_id)",
            """CREATE TABLE before_images (
                target_object TEXT NOT NULL,
                target_id TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES runs (id),
                record TEXT NOT NULL,
                captured_at TEXT NOT NULL,
                PRIMARY KEY (target_object, target_id)
            )""",
            """CREATE TABLE quarantine (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs (id),
                source_object TEXT NOT NULL,
                source_id TEXT NOT NULL,
                reasons TEXT NOT NULL,
                row TEXT NOT NULL,
                quarantined_at TEXT NOT NULL,
                released_at TEXT,
                released_run_id INTEGER REFERENCES runs (id)
            )""",
            """CREATE UNIQUE INDEX quarantine_active ON quarantine (source_object, source_id)
                WHERE released_at IS NULL""",
            """CREATE TABLE schema_changes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs (id),
                kind TEXT NOT NULL CHECK (kind IN
                    ('create_object', 'create_field', 'update_field', 'add_options')),
                object_name TEXT NOT NULL,
                field_name TEXT,
                metadata_id TEXT,
                details TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
        ),
    ),
    SchemaMigration(
        version=2,
        description="rollback bookkeeping: rolled-back id-map rows, restored before-images, "
        "removed schema changes",
        statements=(
            "ALTER TABLE id_map ADD COLUMN rolled_back_at TEXT",
            "ALTER TABLE id_map ADD COLUMN rolled_back_run_id INTEGER REFERENCES runs (id)",
            "ALTER TABLE before_images ADD COLUMN restored_at TEXT",
            "ALTER TABLE before_images ADD COLUMN restored_run_id INTEGER REFERENCES runs (id)",
            "ALTER TABLE schema_changes ADD COLUMN removed_at TEXT",
            "ALTER TABLE schema_changes ADD COLUMN removed_run_id INTEGER REFERENCES runs (id)",
        ),
    ),
    SchemaMigration(
        version=3,
        description="what Twenty returned for each record the migration last wrote: its "
        "updatedAt and updatedBy, so rollback can tell a later edit",
        statements=(
            "ALTER TABLE id_map ADD COLUMN written_updated_at TEXT",
            "ALTER TABLE id_map ADD COLUMN written_by TEXT",
        ),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version

_APPLIED_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    tool_version TEXT NOT NULL
)"""


class JournalVersionError(JournalError):
    """The journal was written by a newer bt2twenty than the one reading it."""

    def __init__(self, path: Path, *, file_version: int, written_by: str) -> None:
        self.path = path
        self.file_version = file_version
        self.supported_version = SCHEMA_VERSION
        self.written_by = written_by
        super().__init__(
            f"The journal {path} is at schema version {file_version}, written by bt2twenty "
            f"{written_by}; this bt2twenty {__version__} reads versions up to {SCHEMA_VERSION}.",
            hint=f"Upgrade bt2twenty to {written_by} or later to continue this migration.",
        )


def applied_version(connection: sqlite3.Connection) -> int:
    """Return the highest schema version applied to the file, 0 for a new file."""
    if not _has_table(connection, "schema_migrations"):
        return 0
    row = connection.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(connection: sqlite3.Connection, path: Path) -> list[int]:
    """Apply every migration above the file's version, in order; return the versions applied.

    Call it inside a write transaction, so a failure leaves the file at its old version.
    """
    _reject_foreign_database(connection, path)
    connection.execute(_APPLIED_TABLE)
    current = applied_version(connection)
    if current > SCHEMA_VERSION:
        raise JournalVersionError(
            path, file_version=current, written_by=_written_by(connection, current)
        )

    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        _apply(connection, migration)
        applied.append(migration.version)
    if applied:
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        logger.info("Migrated journal %s from schema version %d to %d", path, current, applied[-1])
    return applied


def _apply(connection: sqlite3.Connection, migration: SchemaMigration) -> None:
    for statement in migration.statements:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO schema_migrations (version, description, applied_at, tool_version) "
        "VALUES (?, ?, ?, ?)",
        (migration.version, migration.description, utc_now(), __version__),
    )


def _reject_foreign_database(connection: sqlite3.Connection, path: Path) -> None:
    if _has_table(connection, "schema_migrations"):
        return
    tables = connection.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]
    if tables:
        raise JournalError(
            f"{path} is an SQLite database but not a bt2twenty journal.",
            hint="Point --journal at a new file or at a journal that bt2twenty created.",
        )


def _written_by(connection: sqlite3.Connection, version: int) -> str:
    row = connection.execute(
        "SELECT tool_version FROM schema_migrations WHERE version = ?", (version,)
    ).fetchone()
    return str(row[0]) if row else "an unknown version"


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None

"""`Journal`: the migration journal, one SQLite file per migration project."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from pathlib import Path
from types import TracebackType

from bt2twenty import __version__
from bt2twenty.journal.batches import BatchesMixin
from bt2twenty.journal.before_images import BeforeImagesMixin
from bt2twenty.journal.idmap import IdMapMixin
from bt2twenty.journal.models import MigrationInfo, derive_record_id
from bt2twenty.journal.quarantine import QuarantineMixin
from bt2twenty.journal.runs import RunsMixin
from bt2twenty.journal.schema import migrate
from bt2twenty.journal.schema_changes import SchemaChangesMixin
from bt2twenty.journal.status import JournalStatus, read_status
from bt2twenty.journal.store import JournalError, Store, connect, utc_now

logger = logging.getLogger(__name__)


class Journal(
    RunsMixin,
    BatchesMixin,
    IdMapMixin,
    BeforeImagesMixin,
    QuarantineMixin,
    SchemaChangesMixin,
):
    """The migration journal: runs, phases, batches, id map, before-images, quarantine and
    schema changes of one migration, in one SQLite file.

    Every method is safe to call from several threads, which share one connection behind a
    lock. Each method that writes commits before it returns, so a process killed at any
    instant leaves the file as it was after the last method that returned.

    NOTE: nothing stops two processes from opening the same journal. SQLite keeps the file
    consistent, but two loaders would both resend the same unconfirmed batches.
    """

    def __init__(self, store: Store, migration: MigrationInfo) -> None:
        self._store = store
        self.migration = migration

    @classmethod
    def open(cls, path: Path | str, *, migration_id: str | None = None) -> Journal:
        """Open the journal at `path`, creating it (and a migration id) if it does not exist.

        The schema is migrated forward in one transaction. A file written by a newer
        bt2twenty raises `JournalVersionError`; a file of another migration than
        `migration_id` (when given) raises `JournalError`. Without `migration_id`, a new file
        gets a random UUID.
        """
        journal_path = Path(path)
        store = Store(connect(journal_path), journal_path)
        try:
            with store.transaction() as connection:
                migrate(connection, journal_path)
                migration = _ensure_migration(connection, journal_path, migration_id)
        except BaseException:
            store.close()
            raise
        logger.debug("Opened journal %s for migration %s", journal_path, migration.id)
        return cls(store, migration)

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def migration_id(self) -> str:
        return self.migration.id

    def record_id(self, source_object: str, source_id: str) -> str:
        """Return the deterministic Twenty id of a source row in this migration (UUIDv5)."""
        return derive_record_id(self.migration.id, source_object, source_id)

    def status(self) -> JournalStatus:
        """Summarise runs, per-object counts and unconfirmed batches from one snapshot."""
        with self._store.snapshot() as connection:
            return read_status(
                connection,
                path=str(self.path),
                migration_id=self.migration.id,
                runs=tuple(self.runs()),
                counts=self.count_by_object(),
                quarantined=self.quarantine_counts(),
            )

    def close(self) -> None:
        """Close the connection; committed work is already on disk."""
        self._store.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _ensure_migration(
    connection: sqlite3.Connection, path: Path, migration_id: str | None
) -> MigrationInfo:
    row = connection.execute("SELECT id, created_at, tool_version FROM migration").fetchone()
    if row is not None:
        info = MigrationInfo(id=row[0], created_at=row[1], tool_version=row[2])
        if migration_id is not None and _normalise(migration_id, path) != info.id:
            raise JournalError(
                f"The journal {path} belongs to migration {info.id}, not {migration_id}.",
                hint="Open the journal of that migration, or omit the migration id.",
            )
        return info

    new_id = _normalise(migration_id, path) if migration_id else str(uuid.uuid4())
    info = MigrationInfo(id=new_id, created_at=utc_now(), tool_version=__version__)
    connection.execute(
        "INSERT INTO migration (singleton, id, created_at, tool_version) VALUES (1, ?, ?, ?)",
        (info.id, info.created_at, info.tool_version),
    )
    logger.info("Created journal %s for migration %s", path, info.id)
    return info


def _normalise(migration_id: str, path: Path) -> str:
    try:
        return str(uuid.UUID(migration_id))
    except ValueError:
        raise JournalError(
            f"Invalid migration id {migration_id!r} for journal {path}: expected a UUID."
        ) from None

"""Opening a journal: creation, reopening, schema migration forward and rejected files."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from bt2twenty import __version__
from bt2twenty.journal import SCHEMA_VERSION, Journal, JournalError, JournalVersionError


def _pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]


def test_open_creates_file(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        assert journal_path.is_file()
        assert uuid.UUID(journal.migration_id).version == 4
        assert journal.migration.tool_version == __version__


def test_open_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "projects" / "acme" / "migration.journal"
    with Journal.open(path):
        assert path.is_file()


def test_reopen_keeps_migration_id(journal_path: Path) -> None:
    with Journal.open(journal_path) as first:
        created = first.migration
    with Journal.open(journal_path) as second:
        assert second.migration == created


def test_given_migration_id_stored(journal_path: Path) -> None:
    migration_id = str(uuid.uuid4())
    with Journal.open(journal_path, migration_id=migration_id) as journal:
        assert journal.migration_id == migration_id
    with Journal.open(journal_path, migration_id=migration_id.upper()) as journal:
        assert journal.migration_id == migration_id


def test_other_migration_id_rejected(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    with pytest.raises(JournalError, match="belongs to migration"):
        Journal.open(journal_path, migration_id=str(uuid.uuid4()))


def test_invalid_migration_id_rejected(journal_path: Path) -> None:
    with pytest.raises(JournalError, match="expected a UUID"):
        Journal.open(journal_path, migration_id="not-a-uuid")


def test_record_id_deterministic(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        first = journal.record_id("Company", "42")
    with Journal.open(journal_path) as journal:
        assert journal.record_id("Company", "42") == first
        assert journal.record_id("Client", "42") != first
        assert uuid.UUID(first).version == 5


def test_connection_settings(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        connection = journal._store._connection
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_applied_migrations_recorded(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    with sqlite3.connect(journal_path) as connection:
        rows = connection.execute(
            "SELECT version, applied_at, tool_version FROM schema_migrations ORDER BY version"
        ).fetchall()
    assert [row[0] for row in rows] == list(range(1, SCHEMA_VERSION + 1))
    assert all(row[1] for row in rows)
    assert all(row[2] == __version__ for row in rows)
    assert _pragma(journal_path, "user_version") == SCHEMA_VERSION


def test_newer_version_rejected(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    with sqlite3.connect(journal_path) as connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01', '9.0.0')"
        )

    with pytest.raises(JournalVersionError) as raised:
        Journal.open(journal_path)

    assert raised.value.file_version == 99
    assert raised.value.supported_version == SCHEMA_VERSION
    assert raised.value.written_by == "9.0.0"
    assert "Upgrade bt2twenty to 9.0.0" in str(raised.value)


def test_newer_version_left_unchanged(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    with sqlite3.connect(journal_path) as connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01', '9.0.0')"
        )
    with pytest.raises(JournalVersionError):
        Journal.open(journal_path)
    with sqlite3.connect(journal_path) as connection:
        versions = [row[0] for row in connection.execute("SELECT version FROM schema_migrations")]
    assert versions == [*range(1, SCHEMA_VERSION + 1), 99]


def test_non_sqlite_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.journal"
    path.write_bytes(b"this is a text file, not a database\n" * 100)
    with pytest.raises(JournalError, match="Could not open"):
        Journal.open(path)


def test_foreign_database_rejected(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(JournalError, match="not a bt2twenty journal"):
        Journal.open(path)


def test_folder_path_rejected(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="Could not open"):
        Journal.open(tmp_path)


def _insert_run_then_fail(journal: Journal) -> None:
    with journal._store.transaction() as connection:
        connection.execute(
            "INSERT INTO runs (kind, status, started_at, tool_version, options) "
            "VALUES ('load', 'running', 'now', '0', '{}')"
        )
        raise RuntimeError("stop here")


def test_failed_write_rolls_back(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        with pytest.raises(RuntimeError, match="stop here"):
            _insert_run_then_fail(journal)
        assert journal.runs() == []
        assert journal.start_run("load").id == 1


def _write_inside_snapshot(journal: Journal) -> None:
    with journal._store.snapshot(), journal._store.transaction():
        pass


def test_write_inside_snapshot_rejected(journal: Journal) -> None:
    with pytest.raises(RuntimeError, match="inside a read snapshot"):
        _write_inside_snapshot(journal)
    assert journal.start_run("load").id == 1

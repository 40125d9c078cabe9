"""A journal written at schema version 1 is migrated forward with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bt2twenty.journal import SCHEMA_VERSION, Journal, Origin

MIGRATION_ID = "0b6f2a9e-3c1d-4e5f-8a7b-9c0d1e2f3a4b"

# The version 1 layout as bt2twenty 0.1.0 first wrote it, typed out here on purpose: the test
# must keep describing old files even after the migrations in the package change.
VERSION_1_DDL = """
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL,
    applied_at TEXT NOT NULL, tool_version TEXT NOT NULL);
CREATE TABLE migration (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), id TEXT NOT NULL,
    created_at TEXT NOT NULL, tool_version TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, status TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, tool_version TEXT NOT NULL, options TEXT NOT NULL,
    summary TEXT, error TEXT);
CREATE TABLE phases (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id),
    source_object TEXT NOT NULL, target_object TEXT NOT NULL, status TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, read_count INTEGER NOT NULL DEFAULT 0,
    loaded_count INTEGER NOT NULL DEFAULT 0, skipped_count INTEGER NOT NULL DEFAULT 0,
    quarantined_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE batches (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id),
    phase_id INTEGER REFERENCES phases (id), target_object TEXT NOT NULL, operation TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, created_at TEXT NOT NULL,
    sent_at TEXT, finished_at TEXT);
CREATE TABLE batch_items (batch_id INTEGER NOT NULL REFERENCES batches (id), position INTEGER NOT NULL,
    source_object TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL,
    payload_hash TEXT NOT NULL, origin TEXT, PRIMARY KEY (batch_id, position)) WITHOUT ROWID;
CREATE TABLE id_map (source_object TEXT NOT NULL, source_id TEXT NOT NULL, target_object TEXT NOT NULL,
    target_id TEXT NOT NULL, payload_hash TEXT NOT NULL, origin TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs (id), last_run_id INTEGER NOT NULL REFERENCES runs (id),
    batch_id INTEGER REFERENCES batches (id), recorded_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted_at TEXT, PRIMARY KEY (source_object, source_id));
CREATE TABLE before_images (target_object TEXT NOT NULL, target_id TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs (id), record TEXT NOT NULL, captured_at TEXT NOT NULL,
    PRIMARY KEY (target_object, target_id));
CREATE TABLE quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id),
    source_object TEXT NOT NULL, source_id TEXT NOT NULL, reasons TEXT NOT NULL, row TEXT NOT NULL,
    quarantined_at TEXT NOT NULL, released_at TEXT, released_run_id INTEGER REFERENCES runs (id));
CREATE UNIQUE INDEX quarantine_active ON quarantine (source_object, source_id)
    WHERE released_at IS NULL;
CREATE TABLE schema_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id),
    kind TEXT NOT NULL, object_name TEXT NOT NULL, field_name TEXT, metadata_id TEXT,
    details TEXT NOT NULL, created_at TEXT NOT NULL);
"""

VERSION_1_DATA = f"""
INSERT INTO schema_migrations VALUES (1, 'first layout', '2026-11-01T00:00:00+00:00', '0.1.0');
INSERT INTO migration VALUES (1, '{MIGRATION_ID}', '2026-11-01T00:00:00+00:00', '0.1.0');
INSERT INTO runs VALUES (1, 'load', 'completed', '2026-11-01T01:00:00+00:00',
    '2026-11-01T02:00:00+00:00', '0.1.0', '{{"sample": 10}}', '{{"loaded": 2}}', NULL);
INSERT INTO phases VALUES (1, 1, 'Company', 'company', 'completed', '2026-11-01T01:00:00+00:00',
    '2026-11-01T01:30:00+00:00', 3, 2, 0, 1);
INSERT INTO batches VALUES (1, 1, 1, 'company', 'create', 'confirmed', 1, NULL,
    '2026-11-01T01:10:00+00:00', '2026-11-01T01:11:00+00:00', '2026-11-01T01:12:00+00:00');
INSERT INTO batches VALUES (2, 1, 1, 'company', 'create', 'sent', 1, NULL,
    '2026-11-01T01:20:00+00:00', '2026-11-01T01:21:00+00:00', NULL);
INSERT INTO batch_items VALUES (1, 0, 'Company', '7', 'c7', 'h7', NULL);
INSERT INTO batch_items VALUES (1, 1, 'Company', '8', 'c8', 'h8', NULL);
INSERT INTO batch_items VALUES (2, 0, 'Company', '9', 'c9', 'h9', NULL);
INSERT INTO id_map VALUES ('Company', '7', 'company', 'c7', 'h7', 'created', 1, 1, 1,
    '2026-11-01T01:12:00+00:00', '2026-11-01T01:12:00+00:00', NULL);
INSERT INTO id_map VALUES ('Company', '8', 'company', 'c8', 'h8', 'linked', 1, 1, 1,
    '2026-11-01T01:12:00+00:00', '2026-11-01T01:12:00+00:00', NULL);
INSERT INTO before_images VALUES ('company', 'c8', 1, '{{"name": "Acme"}}', '2026-11-01T01:05:00+00:00');
INSERT INTO quarantine VALUES (1, 1, 'Client', '3', '["no last name"]', '{{"name": "Cher"}}',
    '2026-11-01T01:40:00+00:00', NULL, NULL);
INSERT INTO schema_changes VALUES (1, 1, 'create_field', 'company', 'bluetraitId', 'f-1', '{{}}',
    '2026-11-01T00:30:00+00:00');
"""


@pytest.fixture
def version_1_path(tmp_path: Path) -> Path:
    path = tmp_path / "old.journal"
    connection = sqlite3.connect(path)
    connection.executescript("BEGIN;" + VERSION_1_DDL + VERSION_1_DATA + "COMMIT;")
    connection.close()
    return path


def test_upgrade_reaches_latest(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        assert journal.status().schema_version == SCHEMA_VERSION


def test_upgrade_keeps_migration(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        assert journal.migration_id == MIGRATION_ID
        assert journal.migration.tool_version == "0.1.0"


def test_upgrade_keeps_runs_and_phases(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        run = journal.run(1)
        phase = journal.phases(1)[0]
    assert run.options == {"sample": 10}
    assert run.summary == {"loaded": 2}
    assert phase.counts.read == 3
    assert phase.counts.quarantined == 1


def test_upgrade_keeps_id_map(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        assert journal.target_id("Company", "7") == "c7"
        entry = journal.id_map_entry("Company", "8")
    assert entry is not None
    assert entry.origin is Origin.LINKED
    assert entry.rolled_back_at is None


def test_upgrade_keeps_unconfirmed_batch(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        pending = journal.unconfirmed_batches()
    assert [batch.id for batch in pending] == [2]
    assert [item.source_id for item in pending[0].items] == ["9"]


def test_upgrade_keeps_other_records(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        image = journal.before_image("company", "c8")
        quarantined = list(journal.quarantined())
        changes = journal.schema_changes()
    assert image is not None
    assert image.record == {"name": "Acme"}
    assert image.restored_at is None
    assert quarantined[0].reasons == ("no last name",)
    assert changes[0].field_name == "bluetraitId"
    assert changes[0].removed_at is None


def test_upgraded_file_usable(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        rollback = journal.start_run("rollback")
        assert journal.mark_rolled_back("Company", ["7"], run_id=rollback.id) == 1
        assert journal.target_id("Company", "7") is None


def test_upgrade_recorded_once(version_1_path: Path) -> None:
    Journal.open(version_1_path).close()
    Journal.open(version_1_path).close()
    with sqlite3.connect(version_1_path) as connection:
        versions = [row[0] for row in connection.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_upgrade_leaves_write_stamps_empty(version_1_path: Path) -> None:
    with Journal.open(version_1_path) as journal:
        entry = journal.id_map_entry("Company", "7")
    assert entry is not None
    assert entry.written_updated_at is None
    assert entry.stamp is None

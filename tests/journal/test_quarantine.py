"""Quarantine: rows held back with reasons, stored redacted, released when loaded later."""

from __future__ import annotations

from pathlib import Path

from bt2twenty.journal import Journal, Run
from bt2twenty.redaction import MASK, register_secret

from .conftest import make_items

SECRET = "Qz7-vault-secret-5521"


def _file_bytes(path: Path) -> bytes:
    """The journal file and its WAL and shared-memory files, if any."""
    return b"".join(
        candidate.read_bytes()
        for candidate in path.parent.iterdir()
        if candidate.name.startswith(path.name)
    )


def test_quarantine_keeps_reasons(journal: Journal, run: Run) -> None:
    entry = journal.quarantine(
        run.id,
        source_object="Client",
        source_id="31",
        reasons=["last name is empty", "email 'bob@' is invalid"],
        row={"name": "Bob", "email": "bob@"},
    )
    assert entry.reasons == ("last name is empty", "email 'bob@' is invalid")
    assert entry.row == {"name": "Bob", "email": "bob@"}
    assert entry.released_at is None


def test_secret_absent_from_file(journal_path: Path, journal: Journal, run: Run) -> None:
    register_secret(SECRET)
    journal.quarantine(
        run.id,
        source_object="Password",
        source_id="4",
        reasons=[f"value {SECRET} cannot be migrated"],
        row={"name": "Router admin", "notes": f"login with {SECRET}", "nested": [{"x": SECRET}]},
    )
    journal.close()
    assert SECRET.encode() not in _file_bytes(journal_path)


def test_secret_absent_before_close(journal_path: Path, journal: Journal, run: Run) -> None:
    register_secret(SECRET)
    journal.quarantine(
        run.id, source_object="Password", source_id="5", reasons=["no owner"], row={"v": SECRET}
    )
    assert SECRET.encode() not in _file_bytes(journal_path)


def test_credential_keys_masked(journal: Journal, run: Run) -> None:
    entry = journal.quarantine(
        run.id,
        source_object="Password",
        source_id="6",
        reasons=["inventory only"],
        row={"name": "NAS", "password": "unregistered-pw", "API_KEY": 12345, "folder": "IT"},
    )
    assert entry.row["password"] == MASK
    assert entry.row["API_KEY"] == MASK
    assert entry.row["folder"] == "IT"


def test_requarantine_updates_entry(journal: Journal, run: Run) -> None:
    journal.quarantine(run.id, source_object="Client", source_id="1", reasons=["a"], row={})
    later = journal.start_run("load")
    entry = journal.quarantine(
        later.id, source_object="Client", source_id="1", reasons=["b"], row={}
    )
    assert entry.reasons == ("b",)
    assert entry.run_id == later.id
    assert len(list(journal.quarantined())) == 1


def test_counts_per_object(journal: Journal, run: Run) -> None:
    for source_id in ("1", "2"):
        journal.quarantine(
            run.id, source_object="Client", source_id=source_id, reasons=["x"], row={}
        )
    journal.quarantine(run.id, source_object="Ticket", source_id="9", reasons=["x"], row={})
    assert journal.quarantine_counts() == {"Client": 2, "Ticket": 1}
    assert [entry.source_id for entry in journal.quarantined(source_object="Client")] == ["1", "2"]


def test_release_explicit(journal: Journal, run: Run) -> None:
    journal.quarantine(run.id, source_object="Client", source_id="1", reasons=["x"], row={})
    later = journal.start_run("load")
    assert journal.release("Client", ["1", "2"], run_id=later.id) == 1
    assert journal.quarantine_counts() == {}
    (released,) = journal.quarantined(include_released=True)
    assert released.released_run_id == later.id


def test_confirmation_releases_row(journal: Journal, run: Run) -> None:
    journal.quarantine(run.id, source_object="Client", source_id="1", reasons=["x"], row={})
    later = journal.start_run("load")
    batch = journal.add_batch(
        later.id,
        target_object="person",
        operation="create",
        items=make_items(journal, "Client", ["1"]),
    )
    journal.mark_confirmed(batch.id)
    assert journal.quarantine_counts() == {}


def test_quarantine_again_after_release(journal: Journal, run: Run) -> None:
    journal.quarantine(run.id, source_object="Client", source_id="1", reasons=["x"], row={})
    journal.release("Client", ["1"], run_id=run.id)
    journal.quarantine(run.id, source_object="Client", source_id="1", reasons=["y"], row={})
    assert len(list(journal.quarantined(include_released=True))) == 2
    assert journal.quarantine_counts() == {"Client": 1}

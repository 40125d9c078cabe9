"""`status()`: runs, per-object counts and unconfirmed batches, as text and as JSON."""

from __future__ import annotations

import json

from bt2twenty.journal import Journal, JournalStatus, Run

from .conftest import make_items


def _populate(journal: Journal, run: Run) -> None:
    done = journal.add_batch(
        run.id,
        target_object="company",
        operation="create",
        items=make_items(journal, "Company", range(4)),
    )
    journal.mark_confirmed(done.id)
    sent = journal.add_batch(
        run.id,
        target_object="person",
        operation="create",
        items=make_items(journal, "Client", range(2)),
    )
    journal.mark_sent(sent.id)
    journal.add_batch(
        run.id,
        target_object="person",
        operation="create",
        items=make_items(journal, "Client", range(2, 3)),
    )
    journal.quarantine(run.id, source_object="Client", source_id="77", reasons=["no name"], row={})
    journal.record_schema_change(run.id, kind="create_object", object_name="ticket")


def test_empty_status(journal: Journal) -> None:
    status = journal.status()
    assert status.runs == ()
    assert status.objects == ()
    assert status.has_unfinished_work is False
    assert "Runs: none yet" in status.as_text()


def test_status_counts(journal: Journal, run: Run) -> None:
    _populate(journal, run)
    status = journal.status()
    assert status.migration_id == journal.migration_id
    assert [item.id for item in status.runs] == [run.id]
    assert status.pending_batches == 1
    assert status.sent_batches == 1
    assert status.unconfirmed_batches == 2
    assert status.schema_changes == 1
    assert status.has_unfinished_work is True


def test_status_objects(journal: Journal, run: Run) -> None:
    _populate(journal, run)
    client, company = journal.status().objects
    assert client.source_object == "Client"
    assert client.created == 0
    assert client.quarantined == 1
    assert company.created == 4
    assert company.target_object == "company"


def test_status_text(journal: Journal, run: Run) -> None:
    _populate(journal, run)
    text = journal.status().as_text()
    assert f"Migration {journal.migration_id}" in text
    assert "Batches: 1 pending, 1 sent and unconfirmed, 0 failed" in text
    assert "Company  company" in text
    assert "1 run(s) still marked running and 2 batch(es) unconfirmed" in text


def test_status_json(journal: Journal, run: Run) -> None:
    _populate(journal, run)
    data = json.loads(journal.status().as_json())
    assert data["unconfirmed_batches"] == 2
    assert data["runs"][0]["kind"] == "load"
    assert data["objects"][1]["created"] == 4


def test_status_is_dataclass(journal: Journal) -> None:
    assert isinstance(journal.status(), JournalStatus)

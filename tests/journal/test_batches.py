"""Batches: states, items kept for resending, and the id-map rows written at confirmation."""

from __future__ import annotations

import sqlite3

import pytest

from bt2twenty.errors import FatalError
from bt2twenty.journal import (
    BatchItem,
    BatchOperation,
    BatchState,
    Journal,
    Origin,
    Run,
)

from .conftest import make_items


def _confirmed(journal: Journal, run: Run, items: list[BatchItem], operation: str = "create"):
    batch = journal.add_batch(run.id, target_object="company", operation=operation, items=items)
    journal.mark_sent(batch.id)
    return batch


def test_add_batch_pending(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", range(3))
    batch = journal.add_batch(run.id, target_object="company", operation="create", items=items)
    assert batch.state is BatchState.PENDING
    assert batch.operation is BatchOperation.CREATE
    assert batch.items == tuple(items)
    assert batch.attempts == 0


def test_items_keep_order(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", ["9", "1", "5", "3"])
    batch = journal.add_batch(run.id, target_object="company", operation="create", items=items)
    assert [item.source_id for item in journal.batch(batch.id).items] == ["9", "1", "5", "3"]


def test_mark_sent_counts_attempts(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    resent = journal.mark_sent(batch.id)
    assert resent.state is BatchState.SENT
    assert resent.attempts == 2
    assert resent.sent_at is not None


def test_confirm_writes_id_map(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", range(3))
    batch = _confirmed(journal, run, items)
    confirmed = journal.mark_confirmed(batch.id)
    assert confirmed.state is BatchState.CONFIRMED
    assert journal.target_id("Company", "1") == items[1].target_id
    entry = journal.id_map_entry("Company", "2")
    assert entry is not None
    assert entry.origin is Origin.CREATED
    assert entry.batch_id == batch.id
    assert entry.payload_hash == "hash-2"
    assert entry.target_object == "company"


def test_pending_batch_writes_no_id_map(journal: Journal, run: Run) -> None:
    _confirmed(journal, run, make_items(journal, "Company", range(3)))
    assert journal.target_id("Company", "0") is None
    assert journal.count_by_object() == []


def test_confirm_twice_changes_nothing(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    first = journal.mark_confirmed(batch.id)
    second = journal.mark_confirmed(batch.id)
    assert second == first


def test_confirm_pending_allowed(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", range(2))
    batch = journal.add_batch(run.id, target_object="company", operation="create", items=items)
    assert journal.mark_confirmed(batch.id).state is BatchState.CONFIRMED


def test_failed_batch_keeps_reason(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    failed = journal.mark_failed(batch.id, reason="Twenty rejected field domainName")
    assert failed.state is BatchState.FAILED
    assert failed.reason == "Twenty rejected field domainName"
    assert journal.target_id("Company", "0") is None


def test_failed_batch_not_unconfirmed(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    journal.mark_failed(batch.id, reason="bad request")
    assert journal.unconfirmed_batches() == []
    assert [item.id for item in journal.batches(state="failed")] == [batch.id]


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("confirm", "sent"),
        ("confirm", "failed"),
        ("fail", "sent"),
        ("fail", "confirmed"),
    ],
)
def test_finished_batch_transitions_rejected(journal: Journal, run: Run, first, then) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(1)))
    if first == "confirm":
        journal.mark_confirmed(batch.id)
    else:
        journal.mark_failed(batch.id, reason="x")
    action = {
        "sent": lambda: journal.mark_sent(batch.id),
        "failed": lambda: journal.mark_failed(batch.id, reason="y"),
        "confirmed": lambda: journal.mark_confirmed(batch.id),
    }[then]
    with pytest.raises(FatalError, match=f"cannot be marked {then}"):
        action()


def test_unconfirmed_batches_for_resume(journal: Journal, run: Run) -> None:
    pending = journal.add_batch(
        run.id,
        target_object="company",
        operation="create",
        items=make_items(journal, "Company", range(2)),
    )
    sent = _confirmed(journal, run, make_items(journal, "Company", range(2, 4)))
    done = _confirmed(journal, run, make_items(journal, "Company", range(4, 6)))
    journal.mark_confirmed(done.id)

    unconfirmed = journal.unconfirmed_batches()

    assert [batch.id for batch in unconfirmed] == [pending.id, sent.id]
    assert [batch.state for batch in unconfirmed] == [BatchState.PENDING, BatchState.SENT]
    assert unconfirmed[1].items == journal.batch(sent.id).items


def test_unconfirmed_batches_by_run(journal: Journal, run: Run) -> None:
    other = journal.start_run("delta")
    _confirmed(journal, run, make_items(journal, "Company", range(2)))
    mine = _confirmed(journal, other, make_items(journal, "Company", range(2, 4)))
    assert [batch.id for batch in journal.unconfirmed_batches(other.id)] == [mine.id]


def test_resume_after_run_finished(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    journal.finish_run(run.id, status="interrupted")
    journal.mark_sent(batch.id)
    assert journal.mark_confirmed(batch.id).state is BatchState.CONFIRMED


def test_add_batch_needs_running_run(journal: Journal, run: Run) -> None:
    journal.finish_run(run.id, status="completed")
    with pytest.raises(FatalError, match="already finished"):
        journal.add_batch(
            run.id,
            target_object="company",
            operation="create",
            items=make_items(journal, "Company", range(1)),
        )


def test_empty_batch_rejected(journal: Journal, run: Run) -> None:
    with pytest.raises(ValueError, match="at least one item"):
        journal.add_batch(run.id, target_object="company", operation="create", items=[])


def test_duplicate_items_rejected(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", ["1", "1"])
    with pytest.raises(ValueError, match="same source row twice"):
        journal.add_batch(run.id, target_object="company", operation="create", items=items)


def test_unknown_operation_rejected(journal: Journal, run: Run) -> None:
    with pytest.raises(ValueError, match="'merge'"):
        journal.add_batch(
            run.id,
            target_object="company",
            operation="merge",
            items=make_items(journal, "Company", range(1)),
        )


def test_add_batch_all_or_nothing(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", range(2))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        journal.add_batch(
            run.id, target_object="company", operation="create", items=items, phase_id=999
        )
    assert journal.batches() == []


def test_upsert_needs_origin(journal: Journal, run: Run) -> None:
    batch = _confirmed(journal, run, make_items(journal, "Company", range(2)), "upsert")
    with pytest.raises(FatalError, match="no origin for 2 item"):
        journal.mark_confirmed(batch.id)
    assert journal.batch(batch.id).state is BatchState.SENT
    assert journal.target_id("Company", "0") is None


def test_upsert_origins_at_confirmation(journal: Journal, run: Run) -> None:
    items = make_items(journal, "Company", range(2))
    batch = _confirmed(journal, run, items, "upsert")
    journal.mark_confirmed(
        batch.id, origins={items[0].target_id: "created", items[1].target_id: Origin.LINKED}
    )
    first = journal.id_map_entry("Company", "0")
    second = journal.id_map_entry("Company", "1")
    assert first is not None
    assert second is not None
    assert first.origin is Origin.CREATED
    assert second.origin is Origin.LINKED


def test_created_stays_created(journal: Journal, run: Run) -> None:
    created = _confirmed(journal, run, make_items(journal, "Company", range(1)))
    journal.mark_confirmed(created.id)
    delta = journal.start_run("delta")
    update = journal.add_batch(
        delta.id,
        target_object="company",
        operation="update",
        items=make_items(journal, "Company", range(1), payload="changed"),
    )
    journal.mark_confirmed(update.id)
    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.origin is Origin.CREATED
    assert entry.run_id == run.id
    assert entry.last_run_id == delta.id
    assert entry.payload_hash == "changed-0"


def test_linked_becomes_updated(journal: Journal, run: Run) -> None:
    items = [
        BatchItem("Company", "0", journal.record_id("Company", "0"), "h", origin=Origin.LINKED)
    ]
    linked = _confirmed(journal, run, items, "upsert")
    journal.mark_confirmed(linked.id)
    update = _confirmed(journal, run, make_items(journal, "Company", range(1)), "update")
    journal.mark_confirmed(update.id)
    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.origin is Origin.UPDATED


def test_delete_and_restore_batches(journal: Journal, run: Run) -> None:
    created = _confirmed(journal, run, make_items(journal, "Company", range(2)))
    journal.mark_confirmed(created.id)

    delete = _confirmed(journal, run, make_items(journal, "Company", range(1)), "delete")
    journal.mark_confirmed(delete.id)
    deleted = journal.id_map_entry("Company", "0")
    assert deleted is not None
    assert deleted.deleted_at is not None
    assert journal.count_by_object()[0].deleted == 1

    restore = _confirmed(journal, run, make_items(journal, "Company", range(1)), "restore")
    journal.mark_confirmed(restore.id)
    restored = journal.id_map_entry("Company", "0")
    assert restored is not None
    assert restored.deleted_at is None
    assert restored.origin is Origin.CREATED

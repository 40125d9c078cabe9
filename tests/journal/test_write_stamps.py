"""What Twenty returned for each written record is kept, and rollback batches undo rows."""

from __future__ import annotations

from bt2twenty.journal import BatchItem, Journal, Origin, Run, WriteStamp, actor_key

from .conftest import make_items

API_ACTOR = {"source": "API", "name": "Migration key", "workspaceMemberId": None, "context": {}}


def _stamp(updated_at: str) -> WriteStamp:
    return WriteStamp.from_record({"updatedAt": updated_at, "updatedBy": API_ACTOR})


def _create(journal: Journal, run: Run, written: dict[str, WriteStamp] | None = None) -> list[str]:
    items = make_items(journal, "Company", range(3))
    batch = journal.add_batch(run.id, target_object="company", operation="create", items=items)
    journal.mark_confirmed(batch.id, written=written)
    return [item.target_id for item in items]


def test_confirmed_write_keeps_stamp(journal: Journal, run: Run) -> None:
    ids = make_items(journal, "Company", range(3))
    written = {item.target_id: _stamp(f"2026-12-01T10:00:0{n}.000Z") for n, item in enumerate(ids)}

    _create(journal, run, written)

    entry = journal.id_map_entry("Company", "1")
    assert entry is not None
    assert entry.stamp == WriteStamp("2026-12-01T10:00:01.000Z", actor_key(API_ACTOR))


def test_actor_key_ignores_context() -> None:
    other_context = {**API_ACTOR, "context": {"provider": "csv"}}

    assert actor_key(other_context) == actor_key(API_ACTOR)
    assert actor_key(None) is None


def test_unstamped_rewrite_drops_stale_stamp(journal: Journal, run: Run) -> None:
    ids = [item.target_id for item in make_items(journal, "Company", range(3))]
    _create(journal, run, {target: _stamp("2026-12-01T10:00:00.000Z") for target in ids})

    _create(journal, run)

    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.stamp is None


def test_record_written_updates_active_rows(journal: Journal, run: Run) -> None:
    ids = _create(journal, run)

    changed = journal.record_written({ids[0]: _stamp("2026-12-02T08:00:00.000Z")})

    assert changed == 1
    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.written_updated_at == "2026-12-02T08:00:00.000Z"


def test_rollback_delete_batch_marks_rows(journal: Journal, run: Run) -> None:
    ids = _create(journal, run)
    linked = BatchItem("Client", "9", ids[0], "hash-9", origin=Origin.LINKED)
    link = journal.add_batch(run.id, target_object="company", operation="update", items=[linked])
    journal.mark_confirmed(link.id)
    journal.finish_run(run.id, status="completed")
    rollback = journal.start_run("rollback")
    items = make_items(journal, "Company", range(2))

    batch = journal.add_batch(rollback.id, target_object="company", operation="delete", items=items)
    journal.mark_confirmed(batch.id)

    assert journal.target_id("Company", "0") is None
    assert journal.target_id("Company", "1") is None
    assert journal.target_id("Company", "2") == ids[2]
    assert journal.target_id("Client", "9") is None, "a row linked to a destroyed record"
    entry = journal.id_map_entry("Company", "0")
    assert entry is not None
    assert entry.rolled_back_run_id == rollback.id
    assert entry.deleted_at is None


def test_rollback_update_batch_restores_image(journal: Journal, run: Run) -> None:
    journal.save_before_image(
        run.id, target_object="person", target_id="p-1", record={"jobTitle": "Before"}
    )
    updated = [BatchItem("Client", "7", "p-1", "hash-7", origin=Origin.UPDATED)]
    load = journal.add_batch(run.id, target_object="person", operation="update", items=updated)
    journal.mark_confirmed(load.id)
    journal.finish_run(run.id, status="completed")
    rollback = journal.start_run("rollback")

    batch = journal.add_batch(
        rollback.id, target_object="person", operation="update", items=updated
    )
    journal.mark_confirmed(batch.id)

    image = journal.before_image("person", "p-1")
    assert image is not None
    assert image.restored_run_id == rollback.id
    assert journal.target_id("Client", "7") is None

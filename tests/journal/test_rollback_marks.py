"""A rollback killed half-way resumes where it stopped: what it undid stays marked."""

from __future__ import annotations

from pathlib import Path

from bt2twenty.journal import Journal, Run, SchemaChangeKind

from .conftest import make_items


def _seed(journal: Journal, run: Run) -> None:
    batch = journal.add_batch(
        run.id,
        target_object="company",
        operation="create",
        items=make_items(journal, "Company", range(5)),
    )
    journal.mark_confirmed(batch.id)
    journal.save_before_image(
        run.id, target_object="company", target_id="pre-1", record={"name": "A"}
    )
    journal.save_before_image(
        run.id, target_object="company", target_id="pre-2", record={"name": "B"}
    )
    for field in ("bluetraitId", "abn", "industry"):
        journal.record_schema_change(
            run.id,
            kind="create_field",
            object_name="company",
            field_name=field,
            metadata_id=f"m-{field}",
        )


def test_rollback_resumes_after_reopen(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        load = journal.start_run("load")
        _seed(journal, load)
        journal.finish_run(load.id, status="completed")
        rollback = journal.start_run("rollback")
        journal.mark_rolled_back("Company", ["4", "3"], run_id=rollback.id)
        journal.mark_restored("company", "pre-1", run_id=rollback.id)
        newest = journal.schema_changes(reverse=True)[0]
        journal.mark_schema_change_removed(newest.id, run_id=rollback.id)

    with Journal.open(journal_path) as journal:
        remaining_records = [entry.source_id for entry in journal.id_map_entries(newest_first=True)]
        remaining_images = [image.target_id for image in journal.before_images()]
        remaining_fields = [change.field_name for change in journal.schema_changes(reverse=True)]
        (interrupted,) = journal.unfinished_runs()

    assert remaining_records == ["2", "1", "0"]
    assert remaining_images == ["pre-2"]
    assert remaining_fields == ["abn", "bluetraitId"]
    assert interrupted.kind == "rollback"


def test_marks_record_rollback_run(journal: Journal, run: Run) -> None:
    _seed(journal, run)
    rollback = journal.start_run("rollback")
    journal.mark_rolled_back("Company", ["0"], run_id=rollback.id)
    journal.mark_restored("company", "pre-1", run_id=rollback.id)

    entry = journal.id_map_entry("Company", "0")
    image = journal.before_image("company", "pre-1")

    assert entry is not None
    assert entry.rolled_back_run_id == rollback.id
    assert entry.rolled_back_at is not None
    assert image is not None
    assert image.restored_run_id == rollback.id


def test_marks_idempotent(journal: Journal, run: Run) -> None:
    _seed(journal, run)
    rollback = journal.start_run("rollback")
    change = journal.schema_changes()[0]
    assert journal.mark_rolled_back("Company", ["0"], run_id=rollback.id) == 1
    assert journal.mark_rolled_back("Company", ["0"], run_id=rollback.id) == 0
    assert journal.mark_restored("company", "pre-1", run_id=rollback.id) is True
    assert journal.mark_restored("company", "pre-1", run_id=rollback.id) is False
    assert journal.mark_schema_change_removed(change.id, run_id=rollback.id) is True
    assert journal.mark_schema_change_removed(change.id, run_id=rollback.id) is False


def test_schema_changes_order(journal: Journal, run: Run) -> None:
    _seed(journal, run)
    forward = [change.field_name for change in journal.schema_changes()]
    backward = [change.field_name for change in journal.schema_changes(reverse=True)]
    assert forward == ["bluetraitId", "abn", "industry"]
    assert backward == ["industry", "abn", "bluetraitId"]


def test_removed_changes_listed_on_request(journal: Journal, run: Run) -> None:
    _seed(journal, run)
    rollback = journal.start_run("rollback")
    change = journal.schema_changes()[0]
    journal.mark_schema_change_removed(change.id, run_id=rollback.id)
    every = journal.schema_changes(include_removed=True)
    assert len(every) == 3
    assert every[0].removed_run_id == rollback.id


def test_schema_change_fields(journal: Journal, run: Run) -> None:
    change = journal.record_schema_change(
        run.id,
        kind=SchemaChangeKind.ADD_OPTIONS,
        object_name="ticket",
        field_name="status",
        metadata_id="f-status",
        details={"options": ["OPEN", "CLOSED"]},
    )
    assert change.kind is SchemaChangeKind.ADD_OPTIONS
    assert change.details == {"options": ["OPEN", "CLOSED"]}
    assert journal.schema_changes() == [change]

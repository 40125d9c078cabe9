"""No registered secret reaches the journal file, whichever record carried it."""

from __future__ import annotations

from pathlib import Path

from bt2twenty.journal import Journal
from bt2twenty.redaction import register_secret

from .conftest import make_items

SECRET = "Lk9-twenty-api-key-3307"


def _file_bytes(path: Path) -> bytes:
    return b"".join(
        candidate.read_bytes()
        for candidate in path.parent.iterdir()
        if candidate.name.startswith(path.name)
    )


def _write_everywhere(journal: Journal) -> None:
    run = journal.start_run("load", options={"header": f"Authorization: Bearer {SECRET}"})
    journal.save_before_image(
        run.id, target_object="company", target_id="c-1", record={"note": f"key {SECRET}"}
    )
    journal.record_schema_change(
        run.id, kind="create_object", object_name="ticket", details={"request": SECRET}
    )
    batch = journal.add_batch(
        run.id,
        target_object="company",
        operation="create",
        items=make_items(journal, "Company", range(1)),
    )
    journal.mark_failed(batch.id, reason=f"401 for key {SECRET}")
    journal.finish_run(run.id, status="failed", summary={"last": SECRET}, error=f"with {SECRET}")


def test_secret_absent_while_open(journal_path: Path, journal: Journal) -> None:
    register_secret(SECRET)
    _write_everywhere(journal)
    assert SECRET.encode() not in _file_bytes(journal_path)


def test_secret_absent_after_close(journal_path: Path, journal: Journal) -> None:
    register_secret(SECRET)
    _write_everywhere(journal)
    journal.close()
    assert SECRET.encode() not in _file_bytes(journal_path)


def test_secret_masked_on_read(journal: Journal) -> None:
    register_secret(SECRET)
    _write_everywhere(journal)
    (run,) = journal.runs()
    image = journal.before_image("company", "c-1")
    (batch,) = journal.batches()
    assert SECRET not in str(run.options)
    assert SECRET not in str(run.summary)
    assert SECRET not in (run.error or "")
    assert image is not None
    assert SECRET not in str(image.record)
    assert SECRET not in (batch.reason or "")

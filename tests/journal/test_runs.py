"""Runs and phases: lifecycle, listing and the row counts of each phase."""

from __future__ import annotations

import logging

import pytest

from bt2twenty.errors import FatalError
from bt2twenty.journal import Journal, PhaseCounts, Run, RunKind, RunStatus


def test_start_run_running(journal: Journal) -> None:
    run = journal.start_run("sample", options={"sample": 25})
    assert run.kind is RunKind.SAMPLE
    assert run.status is RunStatus.RUNNING
    assert run.options == {"sample": 25}
    assert run.finished_at is None


def test_finish_run_stores_summary(journal: Journal, run: Run) -> None:
    finished = journal.finish_run(run.id, status="completed", summary={"loaded": 3})
    assert finished.status is RunStatus.COMPLETED
    assert finished.summary == {"loaded": 3}
    assert finished.finished_at is not None


def test_finish_run_twice_rejected(journal: Journal, run: Run) -> None:
    journal.finish_run(run.id, status="failed", error="Twenty returned 500")
    with pytest.raises(FatalError, match="already finished"):
        journal.finish_run(run.id, status="completed")


def test_finish_run_needs_final_status(journal: Journal, run: Run) -> None:
    with pytest.raises(ValueError, match="final status"):
        journal.finish_run(run.id, status="running")


def test_unknown_kind_rejected(journal: Journal) -> None:
    with pytest.raises(ValueError, match="'migrate'"):
        journal.start_run("migrate")


def test_unknown_run_rejected(journal: Journal) -> None:
    with pytest.raises(FatalError, match="Run 404 is not in the journal"):
        journal.run(404)


def test_last_run_by_kind(journal: Journal) -> None:
    schema = journal.start_run("schema")
    journal.finish_run(schema.id, status="completed")
    load = journal.start_run("load")
    assert journal.last_run() == load
    assert journal.last_run("schema") == journal.run(schema.id)
    assert journal.last_run(RunKind.DELTA) is None


def test_runs_oldest_first(journal: Journal) -> None:
    ids = [journal.start_run(kind).id for kind in ("schema", "load", "verify")]
    assert [run.id for run in journal.runs()] == ids
    assert [run.id for run in journal.runs(kind="load")] == ids[1:2]


def test_unfinished_runs_listed(journal: Journal) -> None:
    done = journal.start_run("schema")
    journal.finish_run(done.id, status="completed")
    open_run = journal.start_run("load")
    assert [run.id for run in journal.unfinished_runs()] == [open_run.id]


def test_unfinished_run_survives_reopen(journal_path, journal: Journal) -> None:
    run = journal.start_run("load")
    journal.close()
    with Journal.open(journal_path) as reopened:
        assert [item.id for item in reopened.unfinished_runs()] == [run.id]


def test_phase_counts_stored(journal: Journal, run: Run) -> None:
    phase = journal.start_phase(run.id, source_object="Company", target_object="company")
    counts = PhaseCounts(read=10, loaded=7, skipped=2, quarantined=1)
    finished = journal.finish_phase(phase.id, status="completed", counts=counts)
    assert finished.counts == counts
    assert finished.counts.unaccounted == 0
    assert journal.phases(run.id) == [finished]


def test_phase_gap_logged(journal: Journal, run: Run, caplog) -> None:
    phase = journal.start_phase(run.id, source_object="Client", target_object="person")
    with caplog.at_level(logging.WARNING, logger="bt2twenty.journal"):
        finished = journal.finish_phase(
            phase.id, status="completed", counts=PhaseCounts(read=5, loaded=3)
        )
    assert finished.counts.unaccounted == 2
    assert "does not add up" in caplog.text


def test_phase_needs_running_run(journal: Journal, run: Run) -> None:
    journal.finish_run(run.id, status="completed")
    with pytest.raises(FatalError, match="already finished"):
        journal.start_phase(run.id, source_object="Company", target_object="company")


def test_run_error_redacted(journal: Journal, run: Run) -> None:
    from bt2twenty.redaction import register_secret

    register_secret("run-error-secret-7731")
    failed = journal.finish_run(run.id, status="failed", error="key run-error-secret-7731 refused")
    assert failed.error is not None
    assert "run-error-secret-7731" not in failed.error

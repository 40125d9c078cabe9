"""Killed with SIGKILL at any instant, the journal file stays consistent and resumable."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bt2twenty.journal import BatchState, Journal

from .crash_writer import ITEMS_PER_BATCH

WRITER = Path(__file__).with_name("crash_writer.py")
SRC = Path(__file__).resolve().parents[2] / "src"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _start_writer(path: Path, mode: str) -> tuple[subprocess.Popen[str], str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    return process, first_line


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


def _id_map_rows(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM id_map").fetchone()[0])


@pytest.mark.parametrize("mode", ["hold-pending", "hold-sent"])
def test_killed_before_confirmation(journal_path: Path, mode: str) -> None:
    process, batch_id = _start_writer(journal_path, mode)
    _kill(process)

    with Journal.open(journal_path) as journal:
        unconfirmed = journal.unconfirmed_batches()
        (run,) = journal.unfinished_runs()
        id_map_rows = journal.count_by_object()

    assert [batch.id for batch in unconfirmed] == [int(batch_id)]
    assert len(unconfirmed[0].items) == ITEMS_PER_BATCH
    assert unconfirmed[0].state is BatchState(mode.removeprefix("hold-"))
    assert run.kind == "load"
    assert id_map_rows == []


def test_resume_confirms_killed_batch(journal_path: Path) -> None:
    process, _ = _start_writer(journal_path, "hold-sent")
    _kill(process)

    with Journal.open(journal_path) as journal:
        (batch,) = journal.unconfirmed_batches()
        journal.mark_sent(batch.id)
        journal.mark_confirmed(batch.id)
        mapped = journal.lookup_many("Ticket", [item.source_id for item in batch.items])
        assert journal.unconfirmed_batches() == []

    assert mapped == {item.source_id: item.target_id for item in batch.items}


def _check_consistent(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        item_counts = connection.execute(
            "SELECT COUNT(*) FROM batch_items GROUP BY batch_id"
        ).fetchall()
        assert {row[0] for row in item_counts} <= {ITEMS_PER_BATCH}
        confirmed_missing = connection.execute(
            "SELECT COUNT(*) FROM batch_items JOIN batches ON batches.id = batch_items.batch_id "
            "LEFT JOIN id_map USING (source_object, source_id) "
            "WHERE batches.state = 'confirmed' AND id_map.target_id IS NULL"
        ).fetchone()[0]
        assert confirmed_missing == 0
        unconfirmed_mapped = connection.execute(
            "SELECT COUNT(*) FROM id_map JOIN batches ON batches.id = id_map.batch_id "
            "WHERE batches.state != 'confirmed'"
        ).fetchone()[0]
        assert unconfirmed_mapped == 0


def test_killed_at_random_points(journal_path: Path) -> None:
    randomness = random.Random(20261204)
    for _ in range(12):
        process, ready = _start_writer(journal_path, "loop")
        assert ready == "ready"
        time.sleep(randomness.uniform(0.0, 0.4))
        _kill(process)
        _check_consistent(journal_path)

    with Journal.open(journal_path) as journal:
        for batch in journal.unconfirmed_batches():
            journal.mark_sent(batch.id)
            journal.mark_confirmed(batch.id)
        batches = journal.batches()
        assert journal.unconfirmed_batches() == []

    assert len(batches) > 0
    assert _id_map_rows(journal_path) == len(batches) * ITEMS_PER_BATCH
    _check_consistent(journal_path)

"""Fixtures for the journal tests: a fresh journal file and a running load run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bt2twenty.journal import BatchItem, Journal, Run


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "migration.journal"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    opened = Journal.open(journal_path)
    yield opened
    opened.close()


@pytest.fixture
def run(journal: Journal) -> Run:
    return journal.start_run("load", options={"only": "Company"})


def make_items(
    journal: Journal, source_object: str, ids: range | list[str], *, payload: str = "hash"
) -> list[BatchItem]:
    """Items for a batch, with the journal's deterministic target ids."""
    return [
        BatchItem(
            source_object=source_object,
            source_id=str(source_id),
            target_id=journal.record_id(source_object, str(source_id)),
            payload_hash=f"{payload}-{source_id}",
        )
        for source_id in ids
    ]

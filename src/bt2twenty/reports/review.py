"""Records flagged for a person to review: loaded, with a problem noted on the way."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from bt2twenty.journal import RunKind
from bt2twenty.reports import REPORTS_FOLDER
from bt2twenty.reports.quarantine import JournalFacts
from bt2twenty.reports.writer import Column, Document, Table

logger = logging.getLogger(__name__)

NAME = "review"
COLUMNS = (
    Column("object", "Source object"),
    Column("id", "Source id"),
    Column("twenty", "Twenty record"),
    Column("code", "Problem"),
    Column("message", "What to check"),
)
_LOADING_RUNS = (RunKind.LOAD, RunKind.DELTA, RunKind.SAMPLE)


def build_review(facts: JournalFacts | None) -> Document:
    """Build the list from the review file of the latest load that wrote one."""
    table = Table(COLUMNS)
    path = _latest_review(facts)
    if path is None:
        intro = [
            "Records to review: not run yet. No load has written a review list in this project. "
            "Run `bt2twenty report` again after `bt2twenty run`."
        ]
    else:
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                table.rows.append(
                    {
                        "object": row["source_object"],
                        "id": row["source_id"],
                        "twenty": f"{row['twenty_object']} {row['twenty_id']}",
                        "code": row["code"],
                        "message": row["message"],
                    }
                )
        intro = [
            f"{len(table.rows)} problems were flagged on records that did load: a single-word "
            "name placed as a last name, a link to a row the export lacks, a value kept in the "
            "record's unplacedValues field, a duplicate renamed. Check each record in Twenty "
            f"and correct it there if needed. Source: {path.name}."
        ]
    logger.info("Review document: %d rows", len(table.rows))
    return Document(NAME, "Records to review", intro, table, "Flagged problems")


def _latest_review(facts: JournalFacts | None) -> Path | None:
    if facts is None:
        return None
    for run in reversed(facts.runs):
        if run.kind not in _LOADING_RUNS or not isinstance(run.summary, dict):
            continue
        review = run.summary.get("review")
        path = facts.path.parent / REPORTS_FOLDER / str(review)
        if review and path.is_file():
            return path
    return None

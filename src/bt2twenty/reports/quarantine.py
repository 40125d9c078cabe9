"""Records in quarantine with their reasons, and what does not migrate by design."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bt2twenty.journal import Journal, ObjectCount, Phase, QuarantineEntry, Run
from bt2twenty.reports.writer import Column, Document, Section, Table

logger = logging.getLogger(__name__)

NAME = "quarantine"
# Fields of a quarantined row that tell a person which record it is, first found wins. The row is
# the source row, or the Twenty payload built from it (where a person's name is a composite).
LABEL_FIELDS = ("name", "subject", "title", "number", "email", "emails", "file_name", "key")

COLUMNS = (
    Column("object", "Source object"),
    Column("id", "Source id"),
    Column("label", "Record"),
    Column("reasons", "Reasons"),
    Column("run", "Run"),
    Column("since", "Quarantined at (UTC)"),
)

NOT_MIGRATED = (
    (
        "Workflows and automations",
        "Neither the export nor Bluetrait's API contains rule, escalation or email-automation "
        "definitions, and Twenty builds workflows differently; set them up again in Twenty.",
    ),
    (
        "Agent monitoring",
        "Twenty is not an RMM tool. Devices become notes on their companies; monitoring, "
        "alerts and agent tasks stay with an RMM tool (see the agent inventory).",
    ),
    (
        "Recurring billing rules",
        "Twenty has no billing engine; recreate them in the billing tool (see the recurring "
        "billing inventory).",
    ),
    (
        "Password secrets",
        "Secrets never leave Bluetrait through this tool; move them to a password manager (see "
        "the passwords inventory, which names the entries without their secrets).",
    ),
)


@dataclass(frozen=True)
class JournalFacts:
    """Runs, phases, id-map counts and quarantine of the project's journal, read once."""

    path: Path
    runs: list[Run]
    phases: dict[int, list[Phase]]
    counts: list[ObjectCount]
    quarantined: list[QuarantineEntry]


def read_journal(path: Path) -> JournalFacts | None:
    """Read runs, phases, id-map counts and quarantine, or return None without a journal."""
    if not path.is_file():
        logger.info("No journal at %s, so the load counts and quarantine are not run yet", path)
        return None
    journal = Journal.open(path)
    try:
        runs = journal.runs()
        return JournalFacts(
            path=path,
            runs=runs,
            phases={run.id: journal.phases(run.id) for run in runs},
            counts=journal.count_by_object(),
            quarantined=list(journal.quarantined()),
        )
    finally:
        journal.close()


def build_quarantine(facts: JournalFacts | None) -> Document:
    """Build the list of quarantined rows, followed by what does not migrate by design."""
    table = Table(COLUMNS)
    if facts is None:
        intro = [
            "Quarantine: not run yet. No load has run in this project, so no record has been "
            "held back. Run `bt2twenty report` again after `bt2twenty run`."
        ]
    else:
        for entry in facts.quarantined:
            table.rows.append(
                {
                    "object": entry.source_object,
                    "id": entry.source_id,
                    "label": _label(entry.row),
                    "reasons": "; ".join(entry.reasons),
                    "run": str(entry.run_id),
                    "since": entry.quarantined_at,
                }
            )
        intro = [
            f"{len(table.rows)} source rows are in quarantine: the load held them back for the "
            "reasons given. Fix each in Bluetrait or in mapping.yaml (then confirm it again), "
            "and run `bt2twenty run` again; a row that loads leaves the quarantine."
        ]
    by_design = Section(
        "Not migrated by design",
        ["These do not move into Twenty, whatever the mapping says:"],
        Table(
            (Column("what", "What"), Column("why", "Why, and what to do")),
            [{"what": what, "why": why} for what, why in NOT_MIGRATED],
        ),
    )
    logger.info("Quarantine document: %d rows", len(table.rows))
    return Document(
        NAME, "Quarantine and what does not migrate", intro, table, "Quarantined rows", [by_design]
    )


def _label(row: dict[str, object]) -> str:
    for key in LABEL_FIELDS:
        text = _value_text(row.get(key))
        if text:
            return text
    return ""


def _value_text(value: object) -> str:
    """Return a plain or composite value (full name, emails) as text."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        parts = (value.get(key) for key in ("firstName", "lastName", "primaryEmail"))
        return " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return ""

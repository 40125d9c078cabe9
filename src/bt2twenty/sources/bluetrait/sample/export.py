"""Write a complete sample export: every CSV, the attachment files and the api/ bodies.

Rows are generated and written one at a time, and only a few bounded caches and the names of
the ticket lookup tables are kept, so memory stays flat as the scale grows.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from bt2twenty.errors import ConfigError
from bt2twenty.sources.bluetrait.sample import assets, billing, knowledge, tickets, work
from bt2twenty.sources.bluetrait.sample.api_bodies import (
    SEEDED_DEPARTMENTS,
    SEEDED_PRIORITIES,
    JsonArrayWriter,
    lookup_body,
)
from bt2twenty.sources.bluetrait.sample.companies import company_row
from bt2twenty.sources.bluetrait.sample.layout import CUSTOM_FIELDS, HEADERS
from bt2twenty.sources.bluetrait.sample.people import client_row, staff_row
from bt2twenty.sources.bluetrait.sample.php_csv import PhpCsvWriter
from bt2twenty.sources.bluetrait.sample.plan import SamplePlan

logger = logging.getLogger(__name__)

DEFAULT_SEED = 20240304
WRITE_BUFFER_BYTES = 1 << 20

ProgressCallback = Callable[[int], None]


@dataclass
class SampleExportSummary:
    """Result of `write_sample_export`: rows per CSV file, attachment files and timing."""

    out_dir: Path
    scale: float
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    attachment_files: int = 0
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def planned_rows(scale: float) -> int:
    """Return how many top-level rows an export of `scale` generates, the progress total."""
    return sum(SamplePlan.for_scale(scale, 0).counts.values())


def write_sample_export(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
) -> SampleExportSummary:
    """Write a deterministic Bluetrait export `scale` times a small tenant's size into `out_dir`.

    The same scale and seed always give byte-identical files. `out_dir` must be missing or
    empty. `progress`, if given, receives the number of top-level rows written since its last
    call.
    """
    if scale <= 0:
        raise ConfigError(
            f"Invalid scale {scale}: it must be greater than 0.",
            hint="Use --scale 1 for an export the size of a small tenant.",
        )
    _prepare_folder(out_dir)
    plan = SamplePlan.for_scale(scale, seed)
    summary = SampleExportSummary(out_dir=out_dir, scale=scale, seed=seed)
    report = _Progress(progress)
    started = time.perf_counter()
    logger.info("Writing a sample export to %s (scale %s, seed %s)", out_dir, scale, seed)

    with _csv_files(out_dir, summary, ["custom_fields.csv", "users.csv"]) as writers:
        for custom_field in CUSTOM_FIELDS:
            writers["custom_fields.csv"].write(custom_field)
        for index in range(plan.counts["users"]):
            writers["users.csv"].write(staff_row(plan, index))
            report.advance()

    _write_companies(plan, out_dir, summary, report)
    independent_rows = {
        "clients": partial(client_row, plan),
        "projects": partial(work.project_row, plan),
        "products": partial(billing.product_row, plan),
    }
    for name, make_row in independent_rows.items():
        _write_simple(out_dir, summary, name, plan.counts[name], make_row, report)
    _write_agents(plan, out_dir, summary, report)
    _write_tickets(plan, out_dir, summary, report)
    _write_simple(
        out_dir,
        summary,
        "timesheets",
        plan.counts["timesheets"],
        partial(work.timesheet_row, plan),
        report,
    )
    _write_invoices(plan, out_dir, summary, report)
    _write_articles(plan, out_dir, summary, report)
    _write_passwords(plan, out_dir, summary, report)

    report.flush()
    summary.seconds = time.perf_counter() - started
    logger.info("Wrote %d rows to %s in %.1f s", summary.total_rows, out_dir, summary.seconds)
    return summary


class _Progress:
    """Batches progress updates, so the callback runs once per thousand rows, not per row."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._pending = 0

    def advance(self) -> None:
        self._pending += 1
        if self._pending >= 1000:
            self.flush()

    def flush(self) -> None:
        if self._callback is not None and self._pending:
            self._callback(self._pending)
        self._pending = 0


def _prepare_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(
            f"Cannot write the sample export to {out_dir}: it is a file.",
            hint="Pass the path of a new or empty folder.",
        )
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise ConfigError(
            f"Cannot write the sample export to {out_dir}: the folder is not empty.",
            hint="Pass the path of a new or empty folder, or delete the old sample first.",
        )
    (out_dir / "api").mkdir(parents=True, exist_ok=True)


def _open_text(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="", buffering=WRITE_BUFFER_BYTES)


@contextmanager
def _csv_files(
    out_dir: Path, summary: SampleExportSummary, names: list[str]
) -> Iterator[dict[str, PhpCsvWriter]]:
    with ExitStack() as stack:
        writers = {
            name: PhpCsvWriter(stack.enter_context(_open_text(out_dir / name)), HEADERS[name])
            for name in names
        }
        yield writers
    for name, writer in writers.items():
        summary.rows[name] = writer.rows_written


@contextmanager
def _api_body(out_dir: Path, action: str) -> Iterator[JsonArrayWriter]:
    with _open_text(out_dir / "api" / f"{action}.json") as stream:
        writer = JsonArrayWriter(stream)
        yield writer
        writer.close()


def _write_simple(
    out_dir: Path,
    summary: SampleExportSummary,
    name: str,
    count: int,
    make_row: Callable[[int], dict[str, str]],
    report: _Progress,
) -> None:
    file_name = f"{name}.csv"
    with _csv_files(out_dir, summary, [file_name]) as writers:
        for index in range(count):
            writers[file_name].write(make_row(index))
            report.advance()


def _write_companies(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    with (
        _csv_files(out_dir, summary, ["companies.csv"]) as writers,
        _api_body(out_dir, "get_companies") as body,
    ):
        for index in range(plan.counts["companies"]):
            row = company_row(plan, index)
            writers["companies.csv"].write(row)
            body.write(row)
            report.advance()


def _write_agents(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    names = ["agents.csv", "agent_software.csv", "agent_alerts.csv"]
    with (
        _csv_files(out_dir, summary, names) as writers,
        _api_body(out_dir, "msp_get_agents") as body,
    ):
        next_alert_id = 7001
        for index in range(plan.counts["agents"]):
            row = assets.agent_row(plan, index)
            writers["agents.csv"].write(row)
            body.write(row)
            for software in assets.software_rows(plan, index):
                writers["agent_software.csv"].write(software)
            alert = assets.alert_row(plan, index, next_alert_id)
            if alert is not None:
                writers["agent_alerts.csv"].write(alert)
                next_alert_id += 1
            report.advance()


def _write_tickets(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    names = ["tickets.csv", "ticket_notes.csv", "ticket_attachments.csv"]
    priorities: dict[str, None] = {}
    departments: dict[str, None] = {}
    with _csv_files(out_dir, summary, names) as writers, _api_body(out_dir, "get_tickets") as body:
        next_note_id, next_attachment_id = 50001, 1
        for index in range(plan.counts["tickets"]):
            row = tickets.ticket_row(plan, index)
            writers["tickets.csv"].write(row)
            body.write(row)
            priorities.setdefault(row["priority_name"])
            departments.setdefault(row["department_name"])

            for note in tickets.note_rows(plan, index, next_note_id):
                writers["ticket_notes.csv"].write(note)
                next_note_id += 1

            attachment = tickets.attachment(plan, index, next_attachment_id)
            if attachment is not None:
                _write_attachment(out_dir, attachment)
                writers["ticket_attachments.csv"].write(attachment.row)
                summary.attachment_files += 1
                next_attachment_id += 1
            report.advance()

    _write_json(
        out_dir / "api" / "get_ticket_priorities.json", lookup_body(priorities, SEEDED_PRIORITIES)
    )
    _write_json(
        out_dir / "api" / "get_ticket_departments.json",
        lookup_body(departments, SEEDED_DEPARTMENTS),
    )


def _write_attachment(out_dir: Path, attachment: tickets.Attachment) -> None:
    path = out_dir / attachment.row["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(attachment.content)


def _write_json(path: Path, body: object) -> None:
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def _write_invoices(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    with _csv_files(out_dir, summary, ["invoices.csv", "invoice_lines.csv"]) as writers:
        next_line_id = 90001
        for index in range(plan.counts["invoices"]):
            record = billing.invoice(plan, index, next_line_id)
            writers["invoices.csv"].write(record.row)
            for line in record.lines:
                writers["invoice_lines.csv"].write(line)
            next_line_id += len(record.lines)
            report.advance()


def _write_articles(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    with _csv_files(out_dir, summary, ["articles.csv", "article_tickets.csv"]) as writers:
        for index in range(plan.counts["articles"]):
            writers["articles.csv"].write(knowledge.article_row(plan, index))
            for link in knowledge.article_ticket_rows(plan, index):
                writers["article_tickets.csv"].write(link)
            report.advance()


def _write_passwords(
    plan: SamplePlan, out_dir: Path, summary: SampleExportSummary, report: _Progress
) -> None:
    with _csv_files(out_dir, summary, ["passwords.csv"]) as writers:
        for index in range(plan.counts["passwords"]):
            for row in knowledge.password_rows(plan, index):
                writers["passwords.csv"].write(row)
            report.advance()

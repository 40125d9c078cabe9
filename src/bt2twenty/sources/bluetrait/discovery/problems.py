"""Data problems found across rows: duplicates, orphans, merged tickets, DST edges, GST sums."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bt2twenty.sources.bluetrait.dates import daylight_saving_edge, has_time, parse_date_value
from bt2twenty.sources.bluetrait.discovery.references import NO_REFERENCE, REFERENCES, IdSet
from bt2twenty.sources.bluetrait.discovery.values import bare_domain, emails_in, parse_amount
from bt2twenty.sources.bluetrait.export import SourceRow

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 10
MAX_PENDING_SELF_REFERENCES = 100_000
GST_RATE = 10.0
CENT = 0.01
DATETIME_HINT = re.compile(r"\d:\d\d")


@dataclass
class Problem:
    """One kind of data problem in one object: how many rows, and a few examples."""

    kind: str
    object_name: str
    message: str
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, example: dict[str, Any]) -> None:
        """Count one occurrence and keep it if fewer than `MAX_EXAMPLES` are kept."""
        self.count += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(example)

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as JSON values."""
        return {
            "kind": self.kind,
            "object": self.object_name,
            "count": self.count,
            "message": self.message,
            "examples": self.examples,
        }


@dataclass
class _Invoice:
    subtotal: float | None
    tax_total: float | None
    total: float | None
    inclusive: bool
    line_sum: float = 0.0
    line_tax: float = 0.0
    lines: int = 0


class ProblemFinder:
    """Watches rows object by object and reports the problems that span rows or objects.

    Objects must arrive in `aliases.OBJECTS` order, so a reference is checked after the object
    it names has been read. Names, emails and domains are kept per company and client, which is
    memory in proportion to those (small) objects; ids are kept in compact `IdSet`s.
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.ids: dict[str, IdSet] = defaultdict(IdSet)
        self._problems: dict[tuple[str, str], Problem] = {}
        self.company_names: dict[str, list[str]] = defaultdict(list)
        self.company_display_names: dict[str, str] = {}
        self.domains: dict[str, list[str]] = defaultdict(list)
        self.client_emails: dict[str, list[str]] = defaultdict(list)
        self._pending: list[tuple[str, str, str, str, tuple[str, ...]]] = []
        self.invoices: dict[str, _Invoice] = {}
        self.password_history = 0
        self.plaintext_secrets = 0

    def problem(self, kind: str, object_name: str, message: str) -> Problem:
        """Return the problem of this kind for this object, creating it on first use."""
        key = (kind, object_name)
        if key not in self._problems:
            self._problems[key] = Problem(kind, object_name, message)
        return self._problems[key]

    def observe(self, row: SourceRow, datetime_columns: list[str]) -> None:
        """Check one row; `datetime_columns` are the columns whose values may carry a time."""
        values = row.values
        row_id = values.get("id", "").strip()
        if row_id:
            self.ids[row.object_name].add(row_id)

        self._check_references(row, row_id)
        self._check_daylight_saving(row, row_id, datetime_columns)
        handler = _HANDLERS.get(row.object_name)
        if handler is not None:
            handler(self, row, row_id)

    def _check_references(self, row: SourceRow, row_id: str) -> None:
        for column, targets in REFERENCES.get(row.object_name, {}).items():
            value = row.values.get(column, "").strip()
            if value in NO_REFERENCE:
                continue
            if row.object_name in targets:
                if len(self._pending) < MAX_PENDING_SELF_REFERENCES:
                    self._pending.append((row.object_name, row_id, column, value, targets))
                continue
            self._check_one_reference(row.object_name, row_id, column, value, targets)

    def _check_one_reference(
        self, object_name: str, row_id: str, column: str, value: str, targets: tuple[str, ...]
    ) -> None:
        present = [target for target in targets if target in self.ids]
        if not present or any(value in self.ids[target] for target in present):
            return
        self.problem(
            "orphan_reference",
            object_name,
            "references to rows that are not in the export; the link cannot be migrated",
        ).add({"source_id": row_id, "field": column, "value": value, "target": "/".join(targets)})

    def _check_daylight_saving(self, row: SourceRow, row_id: str, columns: list[str]) -> None:
        for column in columns:
            value = row.values.get(column, "")
            if not value or not has_time(value) or not DATETIME_HINT.search(value):
                continue
            # NOTE: a numeric date is read day first here, before its column's order is decided,
            # so a month-first column may flag or miss a DST edge; ISO and display dates are exact.
            try:
                local = parse_date_value(value.strip())
            except ValueError:
                continue
            if local is None:
                continue
            edge = daylight_saving_edge(local, self.zone)
            if edge is not None:
                self.problem(
                    "dst_edge",
                    row.object_name,
                    f"local times that do not exist or are ambiguous in {self.zone.key} "
                    "(daylight saving); the mapping step decides how to convert them",
                ).add({"source_id": row_id, "field": column, "value": value, "edge": edge})

    def finish(self) -> list[Problem]:
        """Run the checks that need every row, and return all problems found."""
        for object_name, row_id, column, value, targets in self._pending:
            self._check_one_reference(object_name, row_id, column, value, targets)
        self._pending.clear()

        self._report_groups(
            {self.company_display_names[key]: ids for key, ids in self.company_names.items()},
            "duplicate_company_name",
            "companies",
            "companies that share a name; Twenty needs a unique name, so a suffix is proposed",
            "name",
        )
        self._report_groups(
            self.domains,
            "shared_domain",
            "companies",
            "companies that share a website domain; the mapping step chooses which keeps it",
            "domain",
        )
        self._report_groups(
            self.client_emails,
            "duplicate_person_email",
            "clients",
            "one email address on several clients; people are deduplicated by primary email",
            "email",
        )
        self._check_gst()
        if self.plaintext_secrets:
            self.problem(
                "plaintext_secrets",
                "passwords",
                "plaintext password secrets in the export; counted, never shown or migrated",
            ).count = self.plaintext_secrets
        return sorted(
            self._problems.values(), key=lambda problem: (problem.object_name, problem.kind)
        )

    def _report_groups(
        self, groups: dict[str, list[str]], kind: str, object_name: str, message: str, key: str
    ) -> None:
        for value, ids in sorted(groups.items()):
            if len(ids) > 1:
                self.problem(kind, object_name, message).add({key: value, "source_ids": ids})

    def _check_gst(self) -> None:
        for invoice_id, invoice in self.invoices.items():
            reasons = _gst_disagreements(invoice)
            if reasons:
                self.problem(
                    "gst_mismatch",
                    "invoices",
                    "invoice totals that disagree with their lines at 10% GST",
                ).add({"source_id": invoice_id, "reasons": reasons})
        self.invoices.clear()


def _gst_disagreements(invoice: _Invoice) -> list[str]:
    """Return why an invoice's totals disagree with its lines, or [] when they agree."""
    if not invoice.lines:
        return []
    tolerance = max(CENT, 0.005 * invoice.lines) + 1e-9
    reasons = []

    subtotal = invoice.line_sum - (invoice.line_tax if invoice.inclusive else 0.0)
    if invoice.subtotal is not None and abs(invoice.subtotal - subtotal) > tolerance:
        reasons.append(f"subtotal {invoice.subtotal:.2f}, lines sum to {subtotal:.2f}")
    if invoice.tax_total is not None and abs(invoice.tax_total - invoice.line_tax) > tolerance:
        reasons.append(f"tax {invoice.tax_total:.2f}, lines give {invoice.line_tax:.2f}")
    stated = (invoice.subtotal, invoice.tax_total, invoice.total)
    if stated[0] is not None and stated[1] is not None and stated[2] is not None:
        expected_total = stated[0] + stated[1]
        if abs(expected_total - stated[2]) > CENT + 1e-9:
            reasons.append(f"total {stated[2]:.2f} is not subtotal plus tax {expected_total:.2f}")
    return reasons


def _observe_company(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    name = " ".join(row.values.get("name", "").split())
    if name:
        key = name.casefold()
        finder.company_display_names.setdefault(key, name)
        finder.company_names[key].append(row_id)
    domain = bare_domain(row.values.get("website", ""))
    if domain:
        finder.domains[domain].append(row_id)


def _observe_client(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    name = row.values.get("name", "").strip()
    if "last_name" in row.values:
        missing = not row.values["last_name"].strip()
    else:
        missing = len([part for part in re.split(r"[\s,]+", name) if part]) < 2
    if missing:
        finder.problem(
            "missing_last_name",
            "clients",
            "clients with a single-word name; Twenty requires a last name, so review them",
        ).add({"source_id": row_id, "name": name})

    cell = row.values.get("email", "")
    found = emails_in(cell)
    if len(found) > 1:
        finder.problem(
            "multiple_emails_in_cell",
            "clients",
            "several emails in one cell; the first becomes primary, the rest additional",
        ).add({"source_id": row_id, "count": len(found)})
    if found:
        finder.client_emails[found[0].lower()].append(row_id)


def _observe_ticket(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    merged_into = row.values.get("merge_ticket_id", "").strip()
    if merged_into not in NO_REFERENCE:
        finder.problem(
            "merged_ticket",
            "tickets",
            "tickets merged into another; they are linked, not migrated as duplicates",
        ).add({"source_id": row_id, "merged_into": merged_into})


def _observe_invoice(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    inclusive = "inclusive" in row.values.get("amounts_are", "").lower()
    finder.invoices[row_id] = _Invoice(
        parse_amount(row.values.get("subtotal", "")),
        parse_amount(row.values.get("tax_total", "")),
        parse_amount(row.values.get("total", "")),
        inclusive,
    )


def _observe_invoice_line(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    invoice = finder.invoices.get(row.values.get("invoice_id", "").strip())
    line_total = parse_amount(row.values.get("line_total", ""))
    if invoice is None or line_total is None:
        return
    rate = parse_amount(row.values.get("tax_rate", ""))
    rate = GST_RATE if rate is None else rate
    divisor = 100.0 + rate if invoice.inclusive else 100.0
    invoice.line_sum += line_total
    invoice.line_tax += round(line_total * rate / divisor, 2)
    invoice.lines += 1


def _observe_password(finder: ProblemFinder, row: SourceRow, row_id: str) -> None:
    if row.values.get("password", "").strip():
        finder.plaintext_secrets += 1
    if row.values.get("old", "").strip() in {"1", "true", "yes"}:
        finder.password_history += 1
        finder.problem(
            "password_history",
            "passwords",
            "superseded password versions; only current entries are inventoried",
        ).add({"source_id": row_id, "current_id": row.values.get("parent_id", "")})


_HANDLERS = {
    "companies": _observe_company,
    "clients": _observe_client,
    "tickets": _observe_ticket,
    "invoices": _observe_invoice,
    "invoice_lines": _observe_invoice_line,
    "passwords": _observe_password,
}

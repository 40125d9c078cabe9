"""The shared writer of hand-over documents: one table model, rendered as Markdown, HTML and CSV.

A `Document` has a title, introductory paragraphs, one main table (its rows are the document's
row count and its CSV file) and optional further sections. `Document.extra_tables` are written
as CSV files of their own, for data too wide for the page (installed software per device).
Every cell and every rendered page passes through `redact` before it is written, so a registered
secret never reaches a file even if a caller put one in a cell by mistake.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bt2twenty.redaction import redact

logger = logging.getLogger(__name__)

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection), so
# such a cell is written with a leading apostrophe. A minus sign followed by a digit is a number.
_FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]))")
_MARKDOWN_SPECIAL = re.compile(r"([\\|<>`*\[\]])")


@dataclass(frozen=True)
class Column:
    """A table column: the key of its cells in each row, and its heading."""

    key: str
    label: str


@dataclass
class Table:
    """Rows of text cells under named columns."""

    columns: Sequence[Column]
    rows: list[dict[str, str]] = field(default_factory=list)

    def cells(self, row: dict[str, str]) -> list[str]:
        """Return a row's cells in column order, with an empty cell for a missing key."""
        return [row.get(column.key, "") for column in self.columns]


@dataclass
class Section:
    """A heading with paragraphs and, optionally, a table, shown after the main table."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class ExtraTable:
    """A table written only as a CSV file beside its document."""

    name: str
    title: str
    table: Table


@dataclass
class Document:
    """One hand-over document: written as ``<name>.md``, ``<name>.html`` and ``<name>.csv``."""

    name: str
    title: str
    intro: list[str]
    table: Table
    table_heading: str = "Rows"
    sections: list[Section] = field(default_factory=list)
    extra_tables: list[ExtraTable] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.table.rows)


@dataclass(frozen=True)
class WrittenFile:
    """A file the writer produced: the document it belongs to, its format and its row count."""

    document: str
    title: str
    format: str
    path: Path
    rows: int


def write_document(document: Document, folder: Path) -> list[WrittenFile]:
    """Write a document's Markdown, HTML and CSV files, and its extra CSV files, into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    document = _redacted_document(document)
    written = []
    renderers = (("md", render_markdown), ("html", render_html))
    for suffix, render in renderers:
        path = folder / f"{document.name}.{suffix}"
        path.write_text(redact(render(document)), encoding="utf-8")
        written.append(WrittenFile(document.name, document.title, suffix, path, document.rows))

    path = folder / f"{document.name}.csv"
    path.write_text(render_csv(document.table), encoding="utf-8", newline="")
    written.append(WrittenFile(document.name, document.title, "csv", path, document.rows))

    for extra in document.extra_tables:
        path = folder / f"{extra.name}.csv"
        path.write_text(render_csv(extra.table), encoding="utf-8", newline="")
        written.append(WrittenFile(extra.name, extra.title, "csv", path, len(extra.table.rows)))
    logger.debug("Wrote %s (%d rows) to %s", document.name, document.rows, folder)
    return written


def _redacted_document(document: Document) -> Document:
    """Return the document with every table cell redacted, before any escaping or quoting."""
    sections = [
        replace(section, table=_redacted_table(section.table) if section.table else None)
        for section in document.sections
    ]
    extras = [replace(extra, table=_redacted_table(extra.table)) for extra in document.extra_tables]
    return replace(
        document,
        table=_redacted_table(document.table),
        sections=sections,
        extra_tables=extras,
    )


def _redacted_table(table: Table) -> Table:
    """Return the table with secrets masked in its cells.

    One `redact` call over all cells joined finds whether any cell needs masking, because a
    call per cell costs a pass over every registered secret. Only then is each cell redacted.
    """
    joined = "\n".join(cell for row in table.rows for cell in table.cells(row))
    if redact(joined) == joined:
        return table
    rows = [
        {column.key: redact(row.get(column.key, "")) for column in table.columns}
        for row in table.rows
    ]
    return Table(table.columns, rows)


def render_csv(table: Table) -> str:
    """Return the table as CSV text: a header row, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in table.cells(row)])
    return buffer.getvalue()


def _csv_cell(text: str) -> str:
    return "'" + text if _FORMULA_START.match(text) else text


def render_markdown(document: Document) -> str:
    """Return the document as Markdown, with markup inside values escaped, never rendered."""
    lines = [f"# {_markdown_text(document.title)}", ""]
    for paragraph in document.intro:
        lines += [_markdown_text(paragraph), ""]
    lines += [f"## {_markdown_text(document.table_heading)}", ""]
    lines += _markdown_table(document.table)
    for section in document.sections:
        lines += [f"## {_markdown_text(section.heading)}", ""]
        for paragraph in section.paragraphs:
            lines += [_markdown_text(paragraph), ""]
        if section.table is not None:
            lines += _markdown_table(section.table)
    return "\n".join(lines)


def _markdown_table(table: Table) -> list[str]:
    if not table.rows:
        return ["(no rows)", ""]
    lines = [
        "| " + " | ".join(_markdown_text(column.label) for column in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    for row in table.rows:
        lines.append("| " + " | ".join(_markdown_text(cell) for cell in table.cells(row)) + " |")
    lines.append("")
    return lines


def _markdown_text(text: str) -> str:
    flat = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def render_html(document: Document) -> str:
    """Return the document as a standalone HTML page with every value escaped."""
    body = [f"<h1>{html.escape(document.title)}</h1>"]
    body += [f"<p>{html.escape(paragraph)}</p>" for paragraph in document.intro]
    body.append(f"<h2>{html.escape(document.table_heading)}</h2>")
    body.append(_html_table(document.table))
    for section in document.sections:
        body.append(f"<h2>{html.escape(section.heading)}</h2>")
        body += [f"<p>{html.escape(paragraph)}</p>" for paragraph in section.paragraphs]
        if section.table is not None:
            body.append(_html_table(section.table))
    return _HTML_PAGE.format(title=html.escape(document.title), body="\n".join(body))


def _html_table(table: Table) -> str:
    if not table.rows:
        return "<p>(no rows)</p>"
    header = "".join(f"<th>{html.escape(column.label)}</th>" for column in table.columns)
    rows = [
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in table.cells(row)) + "</tr>"
        for row in table.rows
    ]
    return (
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n"
        "</table>"
    )


_HTML_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 90rem; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f2f4f7; }}
td {{ max-width: 32rem; overflow-wrap: anywhere; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""

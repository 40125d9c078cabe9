"""The verification report and the spot-check sheet, for a consultant and the customer's admin.

The report has one line per Twenty object (verified, mismatched, missing, extra, outdated) and
the findings with record, field, expected and stored value, as Markdown, HTML and JSON; the
CSV beside it lists every finding, written while the read-back runs. The spot-check sheet puts
a random sample of records per object in front of a person: each Bluetrait value beside the
Twenty value, a link to the record in Twenty, and a column to tick.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from bt2twenty.mapping.model import Mapping
from bt2twenty.pipeline.verify.compare import display, normalise
from bt2twenty.redaction import redact

if TYPE_CHECKING:
    from bt2twenty.pipeline.verify.expected import ExpectedRecord
    from bt2twenty.pipeline.verify.readback import Finding
    from bt2twenty.pipeline.verify.run import VerifyResult

logger = logging.getLogger(__name__)

FINDING_COLUMNS = (
    "kind",
    "target_object",
    "target_id",
    "source_object",
    "source_id",
    "field",
    "expected",
    "stored",
    "reason",
)
SPOT_CHECK_COLUMNS = (
    "source_object",
    "bluetrait_id",
    "twenty_link",
    "bluetrait_column",
    "bluetrait_value",
    "twenty_field",
    "twenty_value",
    "checked",
    "comment",
)
# Maximum length of a value shown in the Markdown and HTML documents. The CSV keeps the whole value.
SHOWN_LENGTH = 300
_NEXT_STEPS = {
    "mismatch": "Twenty holds another value than the migration sent. If someone edited the "
    "record in Twenty, keep their change; otherwise run `bt2twenty run` again, which sends "
    "the record again.",
    "missing": "The journal lists the record as written but Twenty lacks it (deleted in "
    "Twenty?). Run `bt2twenty run` again; the loader sends missing records again.",
    "extra": "Twenty holds a record with a Bluetrait id that this migration did not write "
    "from the current export. Check it in Twenty, and delete it there if it does not belong.",
    "outdated": "The source row (or the workspace's members) changed after the load. Run "
    "`bt2twenty run` again, then verify again.",
}


@dataclass(frozen=True)
class SpotCheckEntry:
    """One sampled record: the source row, what was sent, and the stored record (None: missing)."""

    expected: ExpectedRecord
    row: dict[str, str]
    stored: dict[str, Any] | None


class FindingsCsv:
    """Streams findings into a CSV file while the read-back runs, so memory stays flat."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(FINDING_COLUMNS)

    def add(self, finding: Finding) -> None:
        values = finding.as_json()
        self._writer.writerow([redact(str(values[column])) for column in FINDING_COLUMNS])
        self.count += 1

    def __enter__(self) -> FindingsCsv:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._file.close()


def write_verification(result: VerifyResult, folder: Path, *, mapping: Mapping) -> dict[str, Path]:
    """Write the report (Markdown, HTML, JSON) and the spot-check sheet; return their paths."""
    stem = f"verify-{result.run_id}"
    paths = {
        "markdown": folder / f"{stem}.md",
        "html": folder / f"{stem}.html",
        "json": folder / f"{stem}.json",
        "csv": folder / f"{stem}.csv",
        "spot_check_csv": folder / f"spot-check-{result.run_id}.csv",
        "spot_check_html": folder / f"spot-check-{result.run_id}.html",
    }
    written_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    paths["markdown"].write_text(
        redact(_markdown(result, written_at, paths["csv"].name)), encoding="utf-8"
    )
    paths["html"].write_text(redact(_html(result, written_at)), encoding="utf-8")
    paths["json"].write_text(redact(_json(result, written_at)), encoding="utf-8")

    lines = spot_check_lines(result, mapping)
    _write_spot_check_csv(paths["spot_check_csv"], lines)
    paths["spot_check_html"].write_text(
        redact(_spot_check_html(result, lines, written_at, mapping.settings.tenant_time_zone)),
        encoding="utf-8",
    )
    return paths


def _summary_rows(result: VerifyResult) -> list[list[str]]:
    return [
        [
            item.target_object,
            str(item.expected),
            str(item.verified),
            f"{item.mismatched_records} ({item.mismatched_fields} fields)",
            str(item.missing),
            str(item.extra),
            str(item.outdated),
            "clean" if item.is_clean else "NOT CLEAN",
        ]
        for item in result.objects
    ]


_SUMMARY_HEADER = [
    "Twenty object",
    "expected",
    "verified",
    "mismatched records",
    "missing",
    "extra",
    "outdated",
    "result",
]


def _verdict(result: VerifyResult) -> str:
    if result.is_clean:
        return f"CLEAN: all {result.verified} records hold every field as the migration sent it."
    return "NOT CLEAN: see the findings below and the next step for each kind."


def _findings(result: VerifyResult) -> list[Finding]:
    return [finding for item in result.objects for finding in item.findings]


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _markdown_cell(text: str) -> str:
    return _shorten(text).replace("|", "\\|").replace("\n", " ")


def _markdown(result: VerifyResult, written_at: str, csv_name: str) -> str:
    lines = [
        f"# Verification run {result.run_id}",
        "",
        f"- Twenty: {result.twenty_url} ({result.twenty_version})",
        f"- Written: {written_at}",
        f"- Result: {_verdict(result)}",
        "",
        "| " + " | ".join(_SUMMARY_HEADER) + " |",
        "|" + "---|" * len(_SUMMARY_HEADER),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _summary_rows(result)]
    findings = _findings(result)
    if findings:
        lines += ["", "## Findings", ""]
        lines.append(
            f"The first findings of each object; `{csv_name}` beside this report lists every one."
        )
        lines += [
            "",
            "| kind | record | field | expected | stored | reason |",
            "|---|---|---|---|---|---|",
        ]
        for finding in findings:
            record = (
                f"{finding.target_object} {finding.target_id} "
                f"({finding.source_object} {finding.source_id})"
            )
            lines.append(
                "| "
                + " | ".join(
                    _markdown_cell(value)
                    for value in (
                        finding.kind,
                        record,
                        finding.field,
                        finding.expected,
                        finding.stored,
                        finding.reason,
                    )
                )
                + " |"
            )
        lines += ["", "## Next steps", ""]
        for kind in sorted({finding.kind for finding in findings}):
            lines.append(f"- **{kind}**: {_NEXT_STEPS[kind]}")
    lines.append("")
    return "\n".join(lines)


_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
.clean { color: #1a7f37; } .dirty { color: #cf222e; font-weight: bold; }
</style>"""


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(result: VerifyResult, written_at: str) -> str:
    verdict_class = "clean" if result.is_clean else "dirty"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Verification run {result.run_id}</title>{_STYLE}</head><body>",
        f"<h1>Verification run {result.run_id}</h1>",
        f"<p>Twenty: {escape(result.twenty_url)} ({escape(result.twenty_version)})<br>",
        f"Written: {escape(written_at)}</p>",
        f'<p class="{verdict_class}">{escape(_verdict(result))}</p>',
        _html_table(_SUMMARY_HEADER, _summary_rows(result)),
    ]
    findings = _findings(result)
    if findings:
        parts.append("<h2>Findings</h2>")
        rows = [
            [
                finding.kind,
                f"{finding.target_object} {finding.target_id} "
                f"({finding.source_object} {finding.source_id})",
                finding.field,
                _shorten(finding.expected),
                _shorten(finding.stored),
                finding.reason,
            ]
            for finding in findings
        ]
        parts.append(_html_table(["kind", "record", "field", "expected", "stored", "reason"], rows))
        parts.append("<h2>Next steps</h2><ul>")
        for kind in sorted({finding.kind for finding in findings}):
            parts.append(f"<li><b>{escape(kind)}</b>: {escape(_NEXT_STEPS[kind])}</li>")
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _json(result: VerifyResult, written_at: str) -> str:
    document = result.as_json()
    document["written_at"] = written_at
    document["findings"] = [finding.as_json() for finding in _findings(result)]
    return json.dumps(document, indent=1, ensure_ascii=False)


@dataclass(frozen=True)
class SpotCheckLine:
    """One column of one sampled record: the Bluetrait value beside the Twenty value."""

    source_object: str
    bluetrait_id: str
    twenty_link: str
    bluetrait_column: str
    bluetrait_value: str
    twenty_field: str
    twenty_value: str


def spot_check_lines(result: VerifyResult, mapping: Mapping) -> list[SpotCheckLine]:
    """Return the lines of the spot-check sheet, one per mapped column of each sampled record."""
    lines = []
    base = result.twenty_url.rstrip("/")
    for entry in result.spot_check:
        record = entry.expected
        link = f"{base}/object/{record.target_object}/{record.target_id}"
        columns = mapping.objects[record.source_object].columns
        for column, column_mapping in columns.items():
            if column_mapping.skip or column_mapping.target is None:
                continue
            field_name = column_mapping.target
            if column_mapping.part:
                field_name += f".{column_mapping.part}"
            lines.append(
                SpotCheckLine(
                    record.source_object,
                    record.source_id,
                    link,
                    column,
                    entry.row.get(column, ""),
                    field_name,
                    _twenty_value(entry.stored, column_mapping.target, column_mapping.part),
                )
            )
    return lines


def _twenty_value(stored: dict[str, Any] | None, field_name: str, part: str | None) -> str:
    """Return a stored field as a person reads it in Twenty."""
    if stored is None:
        return "(record not found in Twenty)"
    if field_name not in stored and f"{field_name}Id" in stored:
        field_name = f"{field_name}Id"
    value = stored.get(field_name)
    if isinstance(value, dict):
        if part and part in value:
            return display(value.get(part))
        return _readable_composite(value)
    return display(normalise("UNKNOWN", value)) if not isinstance(value, str) else value


def _readable_composite(value: dict[str, Any]) -> str:
    if "blocknote" in value or "markdown" in value:
        return display(normalise("RICH_TEXT", value))
    if "amountMicros" in value:
        amount = value.get("amountMicros")
        if amount is None:
            return "(empty)"
        return f"{int(amount) / 1_000_000:,.2f} {value.get('currencyCode') or ''}".strip()
    if "firstName" in value or "lastName" in value:
        return f"{value.get('firstName') or ''} {value.get('lastName') or ''}".strip()
    if "primaryEmail" in value:
        return ", ".join(
            [value.get("primaryEmail") or "", *(value.get("additionalEmails") or [])]
        ).strip(", ")
    if "primaryPhoneNumber" in value:
        phones = normalise("PHONES", value) or {}
        return ", ".join([phones.get("primary") or "", *phones.get("additional", [])]).strip(", ")
    if "primaryLinkUrl" in value:
        return str(value.get("primaryLinkUrl") or "")
    parts = [str(part) for part in value.values() if part not in (None, "", [], {})]
    return ", ".join(parts)


def _write_spot_check_csv(path: Path, lines: list[SpotCheckLine]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(SPOT_CHECK_COLUMNS)
        for line in lines:
            writer.writerow(
                [
                    redact(value)
                    for value in (
                        line.source_object,
                        line.bluetrait_id,
                        line.twenty_link,
                        line.bluetrait_column,
                        line.bluetrait_value,
                        line.twenty_field,
                        line.twenty_value,
                        "",
                        "",
                    )
                ]
            )


def _spot_check_html(
    result: VerifyResult, lines: list[SpotCheckLine], written_at: str, time_zone: str
) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Spot check, verification run {result.run_id}</title>{_STYLE}</head><body>",
        "<h1>Spot check: Bluetrait beside Twenty</h1>",
        "<p>For each record, open it in Twenty with its link, compare each value with the "
        "Bluetrait value beside it, and tick the row. Write what differs in the comment "
        "column. The sample is random, so it covers what a person would not choose.</p>",
        f"<p>Twenty: {escape(result.twenty_url)} ({escape(result.twenty_version)}). "
        f"Prepared {escape(written_at)}. Verification run {result.run_id}.</p>",
        f"<p>Bluetrait times are local times in {escape(time_zone)}. Twenty stores instants in "
        "UTC (they end in Z), so 09:19 in Sydney in summer reads 22:19Z the day before.</p>",
    ]
    current: tuple[str, str] | None = None
    current_object: str | None = None
    rows: list[str] = []
    for line in lines:
        key = (line.source_object, line.bluetrait_id)
        if key != current:
            if rows:
                parts.append(_spot_check_table(rows))
                rows = []
            current = key
            if line.source_object != current_object:
                current_object = line.source_object
                parts.append(f"<h2>{escape(current_object)}</h2>")
            parts.append(
                f"<h3>{escape(line.source_object)} {escape(line.bluetrait_id)} · "
                f'<a href="{escape(line.twenty_link)}">open in Twenty</a></h3>'
            )
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{escape(_shorten(value))}</td>"
                for value in (
                    line.bluetrait_column,
                    line.bluetrait_value,
                    line.twenty_field,
                    line.twenty_value,
                )
            )
            + '<td><input type="checkbox"></td><td></td></tr>'
        )
    if rows:
        parts.append(_spot_check_table(rows))
    parts.append("<p>Checked by: ____________________ Date: ____________</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _spot_check_table(rows: list[str]) -> str:
    header = "".join(
        f"<th>{escape(cell)}</th>"
        for cell in (
            "Bluetrait column",
            "Bluetrait value",
            "Twenty field",
            "Twenty value",
            "OK",
            "comment",
        )
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

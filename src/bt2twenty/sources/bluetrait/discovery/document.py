"""Parts of the source profile document: objects, custom-field labels, column and file problems."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bt2twenty.sources.bluetrait.dates import DateOrder, classify
from bt2twenty.sources.bluetrait.discovery.estimate import TARGETS
from bt2twenty.sources.bluetrait.discovery.problems import MAX_EXAMPLES
from bt2twenty.sources.bluetrait.discovery.values import is_decimal
from bt2twenty.sources.bluetrait.export import BluetraitExport

if TYPE_CHECKING:
    from bt2twenty.sources.bluetrait.discovery.run import ObjectScan

logger = logging.getLogger(__name__)

CUSTOM_FIELD = re.compile(r"^cf_(\d+)$")
TABLE_OBJECTS = {"users": ("users", "clients"), "clients": ("clients",)}


def custom_field_labels(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """Return (object, column) to label, type and allowed values, from the custom-field rows."""
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for values in rows:
        column = values.get("column", "").strip() or f"cf_{values.get('id', '').strip()}"
        table = values.get("table_name", "").strip()
        for object_name in TABLE_OBJECTS.get(table, (table,)):
            labels[(object_name, column)] = {
                "label": values.get("name", "").strip(),
                "type": values.get("type", "").strip(),
                "allowed_values": values.get("allowed_values", "").strip(),
            }
    return labels


def object_entries(
    export: BluetraitExport,
    scans: dict[str, ObjectScan],
    labels: dict[tuple[str, str], dict[str, str]],
    default_order: DateOrder,
) -> list[dict[str, Any]]:
    """Return one profile entry per object: source, accounting, target and columns."""
    entries = []
    for obj in export.objects():
        account = export.accounts[obj.name]
        scan = scans[obj.name]
        target = TARGETS.get(obj.name)
        columns = [
            _column_entry(obj.name, column.as_dict(scan.rows, default_order), labels)
            for column in scan.columns.values()
        ]
        entries.append(
            {
                "name": obj.name,
                "source": obj.source,
                "files": [_file_entry(export_file) for export_file in obj.files],
                "row_filter": obj.row_filter,
                "rows_read": account.rows_read,
                "rows_yielded": account.rows_yielded,
                "rows_rejected": account.rows_rejected,
                "blank_lines": account.blank_lines,
                "balanced": account.balanced,
                "reject_file": _reject_path(export, obj.name),
                "reject_examples": [
                    {
                        "file": reject.file,
                        "first_line": reject.first_line,
                        "last_line": reject.last_line,
                        "reason": reject.reason,
                    }
                    for reject in export.rejects.samples.get(obj.name, [])
                ],
                "target": target[0] if target else "unknown object: offered to the mapping step",
                "mapping": target[1] if target else "custom_schema",
                "columns": columns,
                "unknown_columns": [c["name"] for c in columns if not c["known"]],
            }
        )
    return entries


def _reject_path(export: BluetraitExport, object_name: str) -> str | None:
    path = export.rejects.paths.get(object_name)
    return str(path) if path is not None else None


def _file_entry(export_file: Any) -> dict[str, Any]:
    layout = export_file.layout
    return {
        "path": export_file.entry.path,
        "bytes": export_file.entry.size,
        "recognised": export_file.recognised,
        "encoding": export_file.encoding.as_dict() if export_file.encoding else None,
        "delimiter": export_file.delimiter,
        "line_ending": export_file.line_ending,
        "duplicate_headers": dict(layout.duplicates) if layout else {},
        "header_looks_like_data": _header_looks_like_data(layout),
    }


def _header_looks_like_data(layout: Any) -> bool:
    """Return True when half the header cells are numbers, emails or dates (a missing header)."""
    if layout is None or not layout.columns:
        return False
    headers = [column.header.strip() for column in layout.columns if column.header.strip()]
    data_like = [
        header
        for header in headers
        if is_decimal(header) or "@" in header or classify(header, allow_serial=False)
    ]
    return bool(headers) and len(data_like) * 2 >= len(headers)


def _column_entry(
    object_name: str, column: dict[str, Any], labels: dict[tuple[str, str], dict[str, str]]
) -> dict[str, Any]:
    if CUSTOM_FIELD.match(column["name"]):
        label = labels.get((object_name, column["name"]))
        column["custom_field"] = {
            "label": label["label"] if label else None,
            "field_type": label["type"] if label else None,
            "allowed_values": label["allowed_values"].split("|")
            if label and label["allowed_values"]
            else [],
            "to_create": True,
        }
    return column


def scan_problems(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the problems visible in column profiles: mangled text, dates, headers, emails."""
    problems: list[dict[str, Any]] = []
    for entry in objects:
        name = entry["name"]
        for column in entry["columns"]:
            problems.extend(_column_problems(name, column))
        for file in entry["files"]:
            if file["header_looks_like_data"]:
                problems.append(
                    _problem(
                        "missing_header",
                        name,
                        "a first line that looks like data, not column names; the first row "
                        "was read as the header, so add the header line and run discover again",
                        [{"file": file["path"]}],
                    )
                )
            if file["duplicate_headers"]:
                problems.append(
                    _problem(
                        "duplicate_header",
                        name,
                        "repeated header names; later copies are read as name__2, name__3",
                        [{"file": file["path"], "headers": file["duplicate_headers"]}],
                    )
                )
    return problems


def _column_problems(object_name: str, column: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    mojibake = column.get("mojibake")
    if mojibake:
        found.append(
            _problem(
                "mangled_text",
                object_name,
                "text mangled by an old encoding round trip; a repair is proposed, not applied",
                [{"field": column["name"], **example} for example in mojibake["examples"]],
                mojibake["count"],
            )
        )

    if column.get("excel_damage"):
        found.append(
            _problem(
                "excel_damage",
                object_name,
                "values Excel rewrote (5.00E+11 numbers, postcodes without their leading zero); "
                "recover them from Bluetrait or fix them in mapping",
                [{"field": column["name"], "examples": column["examples"]}],
                column["excel_damage"],
            )
        )

    dates = column.get("dates")
    if dates and dates["ambiguous"]:
        found.append(
            _problem(
                "ambiguous_date_order",
                object_name,
                "date columns whose day/month order the values do not prove; confirm it in mapping",
                [{"field": column["name"], "assumed": dates["order"], "reason": dates["reason"]}],
            )
        )
    if dates and dates["zero_dates"]:
        found.append(
            _problem(
                "zero_date",
                object_name,
                "zero dates (0000-00-00); they become empty values",
                [{"field": column["name"], "count": dates["zero_dates"]}],
                dates["zero_dates"],
            )
        )
    return found


def _problem(
    kind: str, object_name: str, message: str, examples: list[dict[str, Any]], count: int = 1
) -> dict[str, Any]:
    return {
        "kind": kind,
        "object": object_name,
        "count": count,
        "message": message,
        "examples": examples[:MAX_EXAMPLES],
    }


def attachment_summary(
    export: BluetraitExport, attachment_rows: list[dict[str, str]]
) -> dict[str, Any]:
    """Return attachment counts and bytes, plus problems: missing and zero-byte files."""
    sizes = {entry.path: entry.size for entry in export.attachments}
    summary: dict[str, Any] = {"files": len(sizes), "bytes": sum(sizes.values())}
    problems: list[dict[str, Any]] = []

    missing, empty = [], []
    prefix = _common_prefix(list(sizes))
    for values in attachment_rows:
        # Paths written on Windows use backslashes; the export's own paths use slashes.
        path = values.get("path", "").strip().replace("\\", "/").removeprefix("./")
        if not path:
            continue
        size = sizes.get(path, sizes.get(prefix + path))
        if size is None:
            missing.append({"source_id": values.get("id", ""), "path": path})
        elif size == 0:
            empty.append({"source_id": values.get("id", ""), "path": path})

    if missing:
        problems.append(
            _problem(
                "missing_attachment",
                "ticket_attachments",
                "attachment rows whose file is not in the export",
                missing,
                len(missing),
            )
        )
    if empty:
        problems.append(
            _problem(
                "empty_attachment",
                "ticket_attachments",
                "zero-byte attachment files; they upload as empty files",
                empty,
                len(empty),
            )
        )
    summary["problems"] = problems
    return summary


def _common_prefix(paths: list[str]) -> str:
    """Return the top folder a ZIP wraps its files in (``export/``), or ""."""
    tops = {path.split("/", 1)[0] + "/" for path in paths if "/" in path}
    if len(tops) == 1:
        top = tops.pop()
        if not top.startswith("files"):
            return top
    return ""

"""The scope document: the source profile as Markdown and HTML a consultant can send a customer."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from bt2twenty.redaction import redact

logger = logging.getLogger(__name__)

MARKDOWN_FILE = "scope.md"
HTML_FILE = "scope.html"
MAX_DISTINCT_SHOWN = 12

Table = tuple[list[str], list[list[str]]]
Section = tuple[str, list[str | Table]]


def write_scope(document: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write ``scope.md`` and ``scope.html`` for a source profile; return their paths."""
    sections = build_sections(document)
    title = "Bluetrait to Twenty migration scope"

    markdown_path = out_dir / MARKDOWN_FILE
    markdown_path.write_text(redact(render_markdown(title, sections)), encoding="utf-8")
    html_path = out_dir / HTML_FILE
    html_path.write_text(redact(render_html(title, sections)), encoding="utf-8")
    return {"scope_markdown": markdown_path, "scope_html": html_path}


def build_sections(document: dict[str, Any]) -> list[Section]:
    """Return the document's sections, each a heading and a list of paragraphs and tables."""
    return [
        _summary(document),
        _objects(document),
        _rejects(document),
        _problems(document),
        _custom_fields(document),
        _not_migrating(document),
        _estimate(document),
        _checklist(document),
        *_columns(document),
    ]


def _summary(document: dict[str, Any]) -> Section:
    objects = document["objects"]
    rows = sum(entry["rows_read"] for entry in objects)
    rejected = sum(entry["rows_rejected"] for entry in objects)
    complexity = document["complexity"]
    estimate = document["estimate"]
    return (
        "Summary",
        [
            f"Source: {document['source']['path']} ({document['source']['kind']}), "
            f"read {document['generated_at']}. Times are local to {document['options']['zone']}.",
            f"{len(objects)} objects, {rows} rows read, {rejected} rows rejected, "
            f"{document['attachments']['files']} attachment files.",
            f"Complexity: {complexity['grade']}: {len(complexity['one_to_one'])} objects map one "
            f"to one, {len(complexity['custom_schema'])} need a custom schema, "
            f"{len(complexity['lossy'])} are lossy, {len(complexity['not_migrated'])} do not "
            "migrate.",
            f"Estimated load: {estimate['total_calls']} API calls, about "
            f"{estimate['elapsed_minutes']} minutes at {estimate['rate_limit_per_minute']} "
            f"requests per minute and {estimate['batch_size']} records per batch.",
        ],
    )


def _objects(document: dict[str, Any]) -> Section:
    header = [
        "object",
        "source",
        "rows read",
        "loaded as rows",
        "rejected",
        "reject file",
        "target in Twenty",
        "mapping",
    ]
    rows = [
        [
            entry["name"],
            f"{entry['source']}: " + ", ".join(_file_text(file) for file in entry["files"]),
            str(entry["rows_read"]),
            str(entry["rows_yielded"]),
            str(entry["rows_rejected"]),
            entry["reject_file"] or "",
            entry["target"],
            entry["mapping"].replace("_", " "),
        ]
        for entry in document["objects"]
    ]
    return ("Objects", ["Every row read is either yielded or rejected.", (header, rows)])


def _rejects(document: dict[str, Any]) -> Section:
    rows = [
        [entry["name"], reject["file"], _line_text(reject), reject["reason"]]
        for entry in document["objects"]
        for reject in entry["reject_examples"]
    ]
    if not rows:
        return ("Rejected rows", ["No row was rejected."])
    return (
        "Rejected rows",
        [
            "The first rejects of each object; every reject is in the object's reject file.",
            (["object", "file", "line", "reason"], rows),
        ],
    )


def _line_text(reject: dict[str, Any]) -> str:
    if reject["last_line"] > reject["first_line"]:
        return f"{reject['first_line']}-{reject['last_line']}"
    return str(reject["first_line"])


def _file_text(file: dict[str, Any]) -> str:
    """Return "path (encoding, delimiter)", with the detection confidence when below 1."""
    details = []
    encoding = file.get("encoding")
    if encoding:
        text = encoding["encoding"]
        if encoding["confidence"] < 1:
            text += f" at {encoding['confidence']:.0%} confidence"
        details.append(text)
    delimiter = {",": "", ";": "semicolons", "\t": "tabs", "|": "pipes"}.get(file["delimiter"])
    if delimiter:
        details.append(delimiter)
    return f"{file['path']} ({', '.join(details)})" if details else file["path"]


def _problems(document: dict[str, Any]) -> Section:
    header = ["object", "problem", "count", "what it means", "examples"]
    rows = [
        [
            problem["object"],
            problem["kind"].replace("_", " "),
            str(problem["count"]),
            problem["message"],
            "; ".join(_example_text(example) for example in problem["examples"][:3]),
        ]
        for problem in document["problems"]
    ]
    if not rows:
        return ("Data problems", ["No data problems were found."])
    return ("Data problems", [(header, rows)])


def _example_text(example: dict[str, Any]) -> str:
    parts = []
    for key, value in example.items():
        rendered = " and ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')} {rendered}")
    return ", ".join(parts)


def _custom_fields(document: dict[str, Any]) -> Section:
    header = ["object", "column", "label", "type", "allowed values", "fill rate"]
    rows = []
    for entry in document["objects"]:
        for column in entry["columns"]:
            custom = column.get("custom_field")
            if custom:
                rows.append(
                    [
                        entry["name"],
                        column["name"],
                        custom["label"] or "(no label: imported as text)",
                        custom["field_type"] or column["type"],
                        ", ".join(custom["allowed_values"]),
                        f"{column['fill_rate']:.0%}",
                    ]
                )
    if not rows:
        return ("Custom fields to create", ["The export has no cf_N columns."])
    return ("Custom fields to create", [(header, rows)])


def _not_migrating(document: dict[str, Any]) -> Section:
    rows = [
        [item["what"], str(item["count"]), item["detail"]] for item in document["not_migrating"]
    ]
    return ("What will not migrate", [(["what", "count", "detail"], rows)])


def _estimate(document: dict[str, Any]) -> Section:
    estimate = document["estimate"]
    rows = [
        ["record batches", str(estimate["record_calls"])],
        ["schema changes", str(estimate["schema_calls"])],
        ["attachment uploads", str(estimate["attachment_calls"])],
        ["total API calls", str(estimate["total_calls"])],
        ["elapsed minutes (at least)", str(estimate["elapsed_minutes"])],
    ]
    return (
        "Load estimate",
        [
            "An estimate: retries, verification read-back and a sample run add to it.",
            (["part", "value"], rows),
        ],
    )


def _checklist(document: dict[str, Any]) -> Section:
    items: list[str | Table] = [
        f"- [ ] {item['item']} {item['why']}" for item in document["checklist"]
    ]
    return ("Before the export: checklist for the tenant", items)


def _columns(document: dict[str, Any]) -> list[Section]:
    sections: list[Section] = []
    for entry in document["objects"]:
        header = ["column", "header", "type", "fill rate", "values"]
        rows = [
            [
                column["name"],
                column["header"],
                _type_text(column),
                f"{column['fill_rate']:.0%}",
                _values_text(column),
            ]
            for column in entry["columns"]
        ]
        sections.append((f"Columns of {entry['name']}", [(header, rows)]))
    return sections


def _type_text(column: dict[str, Any]) -> str:
    text = str(column["type"])
    dates = column.get("dates")
    if dates:
        text += f" ({dates['order']}{', ambiguous' if dates['ambiguous'] else ''})"
    if not column["known"]:
        text += ", unknown column"
    return text


def _values_text(column: dict[str, Any]) -> str:
    if column.get("secret"):
        return f"{column['filled']} secrets (never shown)"
    distinct = column.get("distinct_values")
    if distinct:
        listed = list(distinct.items())[:MAX_DISTINCT_SHOWN]
        more = len(distinct) - len(listed)
        text = ", ".join(f"{value} ({count})" for value, count in listed)
        return text + (f", and {more} more" if more > 0 else "")
    return ""


def render_markdown(title: str, sections: list[Section]) -> str:
    """Return the sections as a Markdown document."""
    lines = [f"# {title}", ""]
    for heading, parts in sections:
        lines += [f"## {heading}", ""]
        for part in parts:
            if isinstance(part, str):
                lines += [part, ""]
                continue
            header, rows = part
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += [
                "| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in rows
            ]
            lines.append("")
    return "\n".join(lines)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def render_html(title: str, sections: list[Section]) -> str:
    """Return the sections as a standalone HTML page."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, parts in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for part in parts:
            if isinstance(part, str):
                body.append(_html_paragraph(part))
                continue
            header, rows = part
            cells = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
            body.append(f"<table><thead><tr>{cells}</tr></thead><tbody>")
            for row in rows:
                cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
                body.append(f"<tr>{cells}</tr>")
            body.append("</tbody></table>")
    return _HTML_PAGE.format(title=html.escape(title), body="\n".join(body))


def _html_paragraph(text: str) -> str:
    if text.startswith("- [ ] "):
        return f'<p class="check">&#9744; {html.escape(text[6:])}</p>'
    return f"<p>{html.escape(text)}</p>"


_HTML_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 80rem; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th {{ background: #f2f4f7; }}
td {{ max-width: 32rem; overflow-wrap: anywhere; }}
p.check {{ margin: 0.3rem 0; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""

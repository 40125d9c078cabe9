"""Discovery: read a whole export once and describe it in a source profile and a scope document."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bt2twenty.errors import SettingsError
from bt2twenty.redaction import redact
from bt2twenty.sources.bluetrait.dates import DateOrder
from bt2twenty.sources.bluetrait.discovery.document import (
    attachment_summary,
    custom_field_labels,
    object_entries,
    scan_problems,
)
from bt2twenty.sources.bluetrait.discovery.estimate import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    TARGETS,
    checklist,
    complexity,
    estimate_load,
)
from bt2twenty.sources.bluetrait.discovery.problems import Problem, ProblemFinder
from bt2twenty.sources.bluetrait.discovery.profile import DATE_NAME, ColumnProfile
from bt2twenty.sources.bluetrait.discovery.scope import write_scope
from bt2twenty.sources.bluetrait.export import (
    ApiRowSource,
    BluetraitExport,
    open_export,
    secret_columns,
)

logger = logging.getLogger(__name__)

PROFILE_FILE = "source-profile.json"
REJECT_FOLDER = "rejects"
PROFILE_VERSION = 1
PROGRESS_EVERY_ROWS = 5000
TRUE_VALUES = frozenset({"1", "true", "yes", "y"})

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read, total bytes) while discovery reads the export."""


@dataclass(frozen=True, slots=True)
class DiscoverOptions:
    """Settings of one discovery run."""

    zone: str = "Australia/Sydney"
    default_date_order: DateOrder = DateOrder.DMY
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE
    batch_size: int = DEFAULT_BATCH_SIZE


@dataclass
class SourceProfile:
    """Everything discovery learned about an export; `document` is the JSON file's content."""

    document: dict[str, Any]
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def objects(self) -> list[dict[str, Any]]:
        """Return the profile of each object."""
        return list(self.document["objects"])

    @property
    def problems(self) -> list[dict[str, Any]]:
        """Return the data problems found."""
        return list(self.document["problems"])


KEPT_OBJECTS = frozenset({"custom_fields", "ticket_attachments"})
"""Small objects whose rows discovery keeps, to label custom fields and check attachment files."""


@dataclass
class ObjectScan:
    """The result of one pass over an object: column profiles, row count and kept rows."""

    columns: dict[str, ColumnProfile] = field(default_factory=dict)
    rows: int = 0
    kept_rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Facts:
    recurring_invoices: int = 0
    recurring_products: int = 0
    xero_linked_invoices: int = 0


def discover(
    source: Path,
    out_dir: Path,
    *,
    options: DiscoverOptions | None = None,
    progress: ProgressCallback | None = None,
    api: ApiRowSource | None = None,
    api_url: str | None = None,
) -> SourceProfile:
    """Read every row of the export at `source`; write the profile and scope into `out_dir`.

    With `api`, the objects the Bluetrait API covers are read from it and the rest from the
    files (a hybrid source); each object's `source` in the profile records which, and `api_url`
    is recorded so later stages read the same way.

    Writes ``source-profile.json``, ``scope.md``, ``scope.html`` and, when rows are rejected,
    ``rejects/<object>.rejects.csv``. Returns the profile that was written.
    """
    options = options or DiscoverOptions()
    zone = _load_zone(options.zone)
    out_dir.mkdir(parents=True, exist_ok=True)
    logger.info("Discovery of %s started; output in %s", source, out_dir)

    with open_export(source, reject_dir=out_dir / REJECT_FOLDER) as export:
        if api is not None:
            export.use_api(api)
        finder = ProblemFinder(zone)
        facts = _Facts()
        scans = _scan_objects(export, finder, facts, progress)
        problems = finder.finish()
        document = _build_document(export, scans, problems, finder, facts, options)
        document["source"]["api_url"] = api_url if api is not None else None

    # A secret may also sit in another column (a ticket that quotes a password), so every text
    # value is masked against the secrets registered while reading.
    document = _redact_values(document)
    profile = SourceProfile(document)
    profile.paths["profile"] = out_dir / PROFILE_FILE
    profile.paths["profile"].write_text(
        json.dumps(document, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    profile.paths.update(write_scope(document, out_dir))
    logger.info("Discovery of %s finished", source)
    return profile


def _redact_values(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(key)): _redact_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_values(item) for item in value]
    return value


def _load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as failure:
        raise SettingsError(
            f"unknown time zone {name!r}",
            hint="Use an IANA zone name such as Australia/Sydney or Australia/Perth.",
        ) from failure


def _scan_objects(
    export: BluetraitExport,
    finder: ProblemFinder,
    facts: _Facts,
    progress: ProgressCallback | None,
) -> dict[str, ObjectScan]:
    scans: dict[str, ObjectScan] = {}
    total = export.data_bytes
    for obj in export.objects():
        scan = scans[obj.name] = ObjectScan()
        datetime_columns: list[str] | None = None

        for row in export.iter_rows(obj.name):
            if datetime_columns is None:
                datetime_columns = [name for name in row.values if DATE_NAME.search(name)]
            _profile_row(scan, obj.name, row.values)
            if obj.name in KEPT_OBJECTS:
                scan.kept_rows.append(row.values)
            finder.observe(row, datetime_columns)
            _count_facts(facts, obj.name, row.values)
            if progress is not None and scan.rows % PROGRESS_EVERY_ROWS == 0:
                progress(export.bytes_read, total)

        _name_columns(scan, export, obj.name)
    if progress is not None:
        progress(total, total)
    return scans


def _profile_row(scan: ObjectScan, object_name: str, values: dict[str, str]) -> None:
    scan.rows += 1
    columns = scan.columns
    for name, value in values.items():
        column = columns.get(name)
        if column is None:
            secret = _is_secret(object_name, name)
            column = columns[name] = ColumnProfile(name, name, True, secret=secret)
        column.add(value)


def _name_columns(scan: ObjectScan, export: BluetraitExport, object_name: str) -> None:
    """Give each column profile its header as written and whether it is a known column."""
    obj = export.get(object_name)
    if obj is None:
        return
    for export_file in obj.files:
        if export_file.layout is None:
            continue
        for column in export_file.layout.columns:
            profile = scan.columns.get(column.name)
            if profile is None and not column.unnamed:
                profile = scan.columns[column.name] = ColumnProfile(
                    column.name,
                    column.header,
                    column.known,
                    secret=_is_secret(object_name, column.name),
                )
            if profile is not None:
                profile.header = column.header
                profile.known = column.known


def _is_secret(object_name: str, column: str) -> bool:
    return bool(secret_columns(object_name, [column]))


def _count_facts(facts: _Facts, object_name: str, values: dict[str, str]) -> None:
    if object_name == "invoices":
        if values.get("recurring", "").strip().lower() in TRUE_VALUES:
            facts.recurring_invoices += 1
        if values.get("xero_invoice_id", "").strip() or values.get("xero_url", "").strip():
            facts.xero_linked_invoices += 1
    elif object_name == "products" and values.get("recurring", "").strip().lower() in TRUE_VALUES:
        facts.recurring_products += 1


def _build_document(
    export: BluetraitExport,
    scans: dict[str, ObjectScan],
    problems: list[Problem],
    finder: ProblemFinder,
    facts: _Facts,
    options: DiscoverOptions,
) -> dict[str, Any]:
    empty = ObjectScan()
    labels = custom_field_labels(scans.get("custom_fields", empty).kept_rows)
    objects = object_entries(export, scans, labels, options.default_date_order)
    all_problems = [problem.as_dict() for problem in problems]
    all_problems += scan_problems(objects)
    attachments = attachment_summary(export, scans.get("ticket_attachments", empty).kept_rows)
    all_problems += attachments.pop("problems")

    rows = {entry["name"]: entry["rows_yielded"] for entry in objects}
    custom_per_object = {
        entry["name"]: len([c for c in entry["columns"] if c.get("custom_field")])
        for entry in objects
    }
    fact_counts = {
        "recurring_invoices": facts.recurring_invoices,
        "recurring_products": facts.recurring_products,
        "xero_linked_invoices": facts.xero_linked_invoices,
        "plaintext_secrets": finder.plaintext_secrets,
        "agents": rows.get("agents", 0),
        "agent_alerts": rows.get("agent_alerts", 0),
        "custom_field_columns": sum(custom_per_object.values()),
        "unlabelled_custom_fields": sum(
            1
            for entry in objects
            for column in entry["columns"]
            if column.get("custom_field", {}).get("label") is None and column.get("custom_field")
        ),
    }
    estimate = estimate_load(
        rows,
        custom_per_object,
        rows.get("ticket_attachments", 0),
        rate_limit_per_minute=options.rate_limit_per_minute,
        batch_size=options.batch_size,
    )

    return {
        "profile_version": PROFILE_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": {"path": str(export.path), "kind": "zip" if export.path.is_file() else "folder"},
        "options": {
            "zone": options.zone,
            "default_date_order": options.default_date_order.value,
            "rate_limit_per_minute": options.rate_limit_per_minute,
            "batch_size": options.batch_size,
        },
        "objects": objects,
        "problems": all_problems,
        "attachments": attachments,
        "not_migrating": _not_migrating(fact_counts, rows, finder),
        "estimate": estimate.as_dict(),
        "complexity": complexity([name for name in rows if name in TARGETS or rows[name]]),
        "checklist": checklist(fact_counts),
        "facts": fact_counts,
    }


def _not_migrating(
    facts: dict[str, int], rows: dict[str, int], finder: ProblemFinder
) -> list[dict[str, Any]]:
    return [
        {
            "what": "Recurring billing rules",
            "count": facts["recurring_invoices"] + facts["recurring_products"],
            "detail": f"{facts['recurring_invoices']} recurring invoices, "
            f"{facts['recurring_products']} recurring products; listed for the admin",
        },
        {
            "what": "Password secrets",
            "count": facts["plaintext_secrets"],
            "detail": f"{rows.get('passwords', 0)} password rows, "
            f"{finder.password_history} of them history; only an inventory of names is kept",
        },
        {
            "what": "Agent monitoring",
            "count": rows.get("agents", 0),
            "detail": f"{rows.get('agents', 0)} agents, {rows.get('agent_software', 0)} software "
            f"rows and {rows.get('agent_alerts', 0)} alerts become inventory notes",
        },
    ]

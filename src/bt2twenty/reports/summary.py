"""The migration summary a consultant can send: scope, counts in and out per object, open items."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bt2twenty.journal import Run, RunKind
from bt2twenty.reports.quarantine import JournalFacts
from bt2twenty.reports.writer import Column, Document, Section, Table

logger = logging.getLogger(__name__)

NAME = "migration-summary"
NOT_RUN = "not run yet"
LOAD_KINDS = (RunKind.LOAD, RunKind.SAMPLE, RunKind.DELTA)

COLUMNS = (
    Column("object", "Source object"),
    Column("exported", "Rows in the export"),
    Column("rejected", "Rejected when read"),
    Column("target", "Goes to"),
    Column("read", "Read by the last load"),
    Column("loaded", "Loaded"),
    Column("skipped", "Skipped by a rule"),
    Column("quarantined", "Quarantined"),
    Column("in_twenty", "Records held in Twenty"),
)


@dataclass(frozen=True)
class HandedOver:
    """One other hand-over document, for the summary's list of open items."""

    title: str
    file: str
    rows: int


@dataclass(frozen=True)
class OpenItems:
    """Counts the summary lists as work left for a person."""

    users_to_invite: int | None
    documents: Sequence[HandedOver]


def build_summary(
    profile: dict[str, Any], facts: JournalFacts | None, open_items: OpenItems
) -> Document:
    """Build the summary from the source profile, the journal (if any) and the open items."""
    run = _last_load(facts)
    loaded = _run_counts(run, facts) if run is not None else {}
    in_twenty = {count.source_object: count.active for count in facts.counts} if facts else {}

    table = Table(COLUMNS)
    profiled = {str(entry.get("name")): entry for entry in profile.get("objects", [])}
    names = list(profiled) + sorted(set(loaded) - set(profiled))
    for name in names:
        entry = profiled.get(name, {})
        counts = loaded.get(name)
        table.rows.append(
            {
                "object": name,
                "exported": _text(entry.get("rows_read")),
                "rejected": _text(entry.get("rows_rejected")),
                "target": str(counts.get("target_object") or entry.get("target", ""))
                if counts
                else str(entry.get("target", "")),
                "read": _count(counts, "read", run),
                "loaded": _count(counts, "loaded", run),
                "skipped": _count(counts, "skipped", run),
                "quarantined": _count(counts, "quarantined", run),
                "in_twenty": str(in_twenty.get(name, 0)) if facts is not None else NOT_RUN,
            }
        )

    intro = _scope(profile)
    sections = [
        Section("Last load", [_run_text(run, facts)]),
        Section("Verification", [_verification_text(facts)]),
        Section("Open items", _open_items(facts, open_items)),
    ]
    return Document(NAME, "Migration summary", intro, table, "Records in and out", sections)


def _scope(profile: dict[str, Any]) -> list[str]:
    source = profile.get("source", {})
    objects = profile.get("objects", [])
    rows = sum(int(entry.get("rows_read", 0)) for entry in objects)
    rejected = sum(int(entry.get("rows_rejected", 0)) for entry in objects)
    complexity = profile.get("complexity", {}).get("grade", "not graded")
    estimate = profile.get("estimate", {})
    lines = [
        f"Scope: the Bluetrait export at {source.get('path', '(unknown)')} "
        f"({source.get('kind', 'export')}), profiled {profile.get('generated_at', '')}: "
        f"{len(objects)} objects, {rows} rows, of which {rejected} could not be read.",
        f"Complexity {complexity}. Estimated load: {estimate.get('total_calls', '?')} API calls, "
        f"about {estimate.get('elapsed_minutes', '?')} minutes at "
        f"{estimate.get('rate_limit_per_minute', '?')} requests per minute.",
        "Every row is accounted for: rows read by a load = loaded + skipped by a rule named in "
        "the mapping + quarantined with a reason.",
    ]
    for item in profile.get("not_migrating", []):
        lines.append(f"Not migrated: {item.get('what')} ({item.get('detail')}).")
    return lines


def _last_load(facts: JournalFacts | None) -> Run | None:
    if facts is None:
        return None
    loads = [
        run for run in facts.runs if run.kind in LOAD_KINDS and not (run.options or {}).get("step")
    ]
    return loads[-1] if loads else None


def _run_counts(run: Run, facts: JournalFacts | None) -> dict[str, dict[str, Any]]:
    """Return per-object counts of a run: from its summary, else from its journaled phases."""
    if run.summary and run.summary.get("objects"):
        return {str(item["source_object"]): dict(item) for item in run.summary["objects"]}
    counts: dict[str, dict[str, Any]] = {}
    for phase in facts.phases.get(run.id, []) if facts else []:
        # A resend of missing records journals a second phase of the same object; the first
        # phase contains the object's full count.
        counts.setdefault(
            phase.source_object,
            {
                "target_object": phase.target_object,
                "read": phase.counts.read,
                "loaded": phase.counts.loaded,
                "skipped": phase.counts.skipped,
                "quarantined": phase.counts.quarantined,
            },
        )
    return counts


def _count(counts: dict[str, Any] | None, key: str, run: Run | None) -> str:
    if run is None:
        return NOT_RUN
    if counts is None:
        return "not in this run"
    return _text(counts.get(key))


def _run_text(run: Run | None, facts: JournalFacts | None) -> str:
    if facts is None:
        return f"Load: {NOT_RUN}. No journal exists in this project."
    if run is None:
        return f"Load: {NOT_RUN}. The journal has {len(facts.runs)} runs, none of them a load."
    finished = run.finished_at or "not finished"
    return (
        f"Run {run.id} ({run.kind}, {run.status}), started {run.started_at}, finished "
        f"{finished}; the journal holds {len(facts.runs)} runs in all."
    )


def _verification_text(facts: JournalFacts | None) -> str:
    """Return the result of the latest verification, with the report that lists its findings."""
    runs = [run for run in facts.runs if run.kind == RunKind.VERIFY] if facts else []
    if not runs:
        return f"Verification: {NOT_RUN}. Run `bt2twenty verify` after the load."
    run = runs[-1]
    summary = run.summary or {}
    if "clean" not in summary:
        return f"Verification run {run.id} did not finish ({run.status})."
    objects = summary.get("objects", [])
    verified = sum(int(item.get("verified", 0)) for item in objects)
    result = "clean" if summary["clean"] else "NOT clean"
    return (
        f"Verification run {run.id}, finished {run.finished_at}: {result}; {verified} records "
        f"read back with every field as sent. Twenty {summary.get('twenty_version', '')}. "
        f"Report: verify-{run.id}.md in the reports folder."
    )


def _open_items(facts: JournalFacts | None, items: OpenItems) -> list[str]:
    lines = []
    if facts is None:
        lines.append(f"Quarantine: {NOT_RUN}.")
    else:
        lines.append(f"Quarantine: {len(facts.quarantined)} rows held back; see quarantine.md.")
    if items.users_to_invite is None:
        lines.append(f"Workspace members: {NOT_RUN}; no Twenty workspace was given.")
    else:
        lines.append(
            f"Workspace members: {items.users_to_invite} active users are not members yet; "
            "see users-to-invite.md."
        )
    for document in items.documents:
        lines.append(f"{document.title}: {document.rows} rows in {document.file}.")
    return lines


def _text(value: object) -> str:
    return "" if value is None else str(value)

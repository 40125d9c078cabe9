"""Rollback results per object, and the report a person reads afterwards.

`RollbackResult` renders itself as summary lines, as JSON, and as the Markdown report written
to `<project>/reports/rollback-<run id>.md` beside its `.json`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bt2twenty.redaction import redact

logger = logging.getLogger(__name__)


@dataclass
class ObjectRollback:
    """The records of one source object in one target object, and what rollback did to each."""

    source_object: str
    target_object: str
    total: int = 0
    destroyed: int = 0
    restored: int = 0
    unlinked: int = 0
    left_alone: int = 0
    already_gone: int = 0
    failed: int = 0

    @property
    def label(self) -> str:
        return f"{self.source_object} → {self.target_object}"

    def line(self, *, is_dry_run: bool = False) -> str:
        """Return the plain summary line of the object."""
        verbs = ("to destroy", "to restore") if is_dry_run else ("destroyed", "restored")
        parts = [
            f"{self.destroyed} {verbs[0]}",
            f"{self.restored} {verbs[1]}",
            f"{self.left_alone} left alone because edited",
            f"{self.already_gone} already gone",
        ]
        if self.unlinked:
            parts.append(f"{self.unlinked} only linked (kept as they are)")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return f"{self.label}: " + ", ".join(parts)


@dataclass(frozen=True)
class LeftAlone:
    """A record rollback did not undo, and why."""

    source_object: str
    source_id: str
    target_object: str
    target_id: str
    origin: str
    reason: str


@dataclass(frozen=True)
class SchemaOutcome:
    """One journaled schema change and what rollback did with it."""

    change: str
    removed: bool
    reason: str = ""


@dataclass
class RollbackResult:
    """The outcome of one rollback (or of a dry run, which has no run id)."""

    run_id: int | None
    is_dry_run: bool
    is_forced: bool
    only_run: int | None
    objects: list[ObjectRollback] = field(default_factory=list)
    left_alone: list[LeftAlone] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    schema: list[SchemaOutcome] = field(default_factory=list)
    checked_by_actor_only: int = 0
    resumed_batches: int = 0
    interrupted: bool = False
    report_paths: list[Path] = field(default_factory=list)

    @property
    def schema_kept(self) -> list[SchemaOutcome]:
        return [outcome for outcome in self.schema if not outcome.removed]

    @property
    def exit_code(self) -> int:
        """0 when everything asked was undone, 1 when records were left alone, 2 on errors."""
        if self.errors or any(report.failed for report in self.objects):
            return 2
        if self.left_alone or self.schema_kept:
            return 1
        return 0

    @property
    def actor_only_note(self) -> str | None:
        """The note that some records could only be checked by their `updatedBy`."""
        if not self.checked_by_actor_only:
            return None
        return (
            f"{self.checked_by_actor_only} records were written before this version kept "
            "their updatedAt, so only their updatedBy was checked for later edits."
        )

    def lines(self) -> list[str]:
        """Return the per-object summary lines, then the notes a person must read."""
        lines = [report.line(is_dry_run=self.is_dry_run) for report in self.objects]
        if self.actor_only_note:
            lines.append(self.actor_only_note)
        for outcome in self.schema:
            verb = "would remove" if self.is_dry_run else "removed"
            lines.append(
                f"schema: {verb} {outcome.change}"
                if outcome.removed
                else f"schema: kept {outcome.change} ({outcome.reason})"
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dry_run": self.is_dry_run,
            "forced": self.is_forced,
            "only_run": self.only_run,
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "resumed_batches": self.resumed_batches,
            "checked_by_actor_only": self.checked_by_actor_only,
            "objects": [asdict(report) for report in self.objects],
            "left_alone": [asdict(item) for item in self.left_alone],
            "schema": [asdict(outcome) for outcome in self.schema],
            "errors": self.errors,
        }

    def as_markdown(self) -> str:
        """Return the report a person reads: what was undone, and every record left alone."""
        title = "Rollback dry run" if self.is_dry_run else f"Rollback run {self.run_id}"
        scope = f"records first written by run {self.only_run}" if self.only_run else "all runs"
        out = [f"# {title}", "", f"Scope: {scope}. Forced: {'yes' if self.is_forced else 'no'}."]
        out += ["", *self._object_table()]
        if self.actor_only_note:
            out += ["", self.actor_only_note]

        out += ["", "## Records left alone", ""]
        out += [
            f"- {item.target_object} `{item.target_id}` (source {item.source_object} "
            f"{item.source_id}, {item.origin}): {item.reason}"
            for item in self.left_alone
        ] or ["None."]

        if self.schema:
            out += ["", "## Schema", ""]
            for outcome in self.schema:
                state = "removed" if outcome.removed else f"kept: {outcome.reason}"
                out.append(f"- {outcome.change}: {state}")
        if self.errors:
            out += ["", "## Errors", ""] + [f"- {error}" for error in self.errors]
        if self.left_alone and not self.is_forced:
            out += ["", "Run `bt2twenty rollback --force` to undo the records left alone too."]
        return redact("\n".join(out) + "\n")

    def _object_table(self) -> list[str]:
        verbs = "to destroy | to restore" if self.is_dry_run else "destroyed | restored"
        rows = [
            f"| object | {verbs} | left alone | already gone | only linked | failed |",
            "|---|---|---|---|---|---|---|",
        ]
        rows += [
            f"| {r.label} | {r.destroyed} | {r.restored} | {r.left_alone} | "
            f"{r.already_gone} | {r.unlinked} | {r.failed} |"
            for r in self.objects
        ]
        return rows


def write_report(result: RollbackResult, folder: Path) -> list[Path]:
    """Write the Markdown and JSON reports into `folder` and return their paths."""
    stem = "rollback-dry-run" if result.run_id is None else f"rollback-{result.run_id}"
    markdown = folder / f"{stem}.md"
    document = folder / f"{stem}.json"
    markdown.write_text(result.as_markdown(), encoding="utf-8")
    document.write_text(
        redact(json.dumps(result.as_json(), indent=2, ensure_ascii=False)) + "\n", encoding="utf-8"
    )
    logger.info("Wrote the rollback report to %s", markdown)
    return [markdown, document]

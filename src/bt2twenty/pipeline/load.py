"""The load stage: move the confirmed mapping's records into Twenty, resumably.

`run_load` checks the mapping lock against the live schema, opens the project's journal, marks
the batches an interrupted run left unconfirmed, and loads each source object in dependency
order. Rows already loaded with the same content are not sent again, so running it again after
a crash finishes the interrupted work and ends in the same state as an uninterrupted run.
After each object, the rows read must equal loaded + skipped + quarantined, and every record
the journal lists must be in Twenty; a mismatch stops the run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bt2twenty.errors import FatalError
from bt2twenty.journal import Journal, RunKind, RunStatus, WriteStamp
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetSchema, schema_from_metadata
from bt2twenty.mapping.workflow import check_confirmed, load_profile
from bt2twenty.pipeline.attachments import AttachmentFiles, AttachmentLoader, is_attachment_object
from bt2twenty.pipeline.changes import ModifiedWindow
from bt2twenty.pipeline.derived import load_derived
from bt2twenty.pipeline.invitations import InvitationOutcome, invite_staff
from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.pipeline.order import plan_load_order
from bt2twenty.pipeline.phase import (
    PhaseContext,
    PhaseCounts,
    PhaseLoader,
    SourceLookup,
    deferred_link_values,
)
from bt2twenty.pipeline.reconcile import missing_records_error, reconcile_target
from bt2twenty.pipeline.review import ReviewLog
from bt2twenty.pipeline.sample import choose_sample
from bt2twenty.pipeline.source import export_path_for, opened_source
from bt2twenty.reports import reports_dir
from bt2twenty.settings import Settings
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

JOURNAL_FILE_NAME = "journal.sqlite"


@dataclass
class ObjectReport:
    """The reconciliation line of one source object."""

    source_object: str
    target_object: str
    counts: PhaseCounts
    in_twenty: int | None = None
    # A plain name for records built from several rows (device notes, article links).
    label: str | None = None

    def line(self) -> str:
        """Return the reconciliation line: rows read = loaded + skipped + quarantined."""
        c = self.counts
        sent = c.loaded - c.unchanged - c.linked
        skipped = f"{c.skipped} skipped"
        if c.skip_rules:
            skipped += " (" + "; ".join(f"{n}: {rule}" for rule, n in c.skip_rules.items()) + ")"
        twenty = f"; {self.in_twenty} of them in Twenty" if self.in_twenty is not None else ""
        detail = ""
        if c.loaded:
            detail = (
                f" ({sent} sent, {c.unchanged} already there unchanged, "
                f"{c.linked} linked to existing)"
            )
        name = f"{self.source_object} ({self.label})" if self.label else self.source_object
        return (
            f"{name} → {self.target_object}: {c.read} read = {c.loaded} loaded"
            f"{detail} + {skipped} + {c.quarantined} quarantined{twenty}"
        )

    def as_json(self) -> dict[str, Any]:
        c = self.counts
        return {
            "source_object": self.source_object,
            "label": self.label,
            "target_object": self.target_object,
            "read": c.read,
            "loaded": c.loaded,
            "unchanged": c.unchanged,
            "linked": c.linked,
            "skipped": c.skipped,
            "skip_rules": c.skip_rules,
            "quarantined": c.quarantined,
            "flagged": c.flagged,
            "in_twenty": self.in_twenty,
            "balanced": c.is_balanced,
        }


@dataclass
class LoadResult:
    """The outcome of one load run: a report per object, and whether it finished."""

    run_id: int
    kind: str
    objects: list[ObjectReport] = field(default_factory=list)
    interrupted: bool = False
    unmatched_users: dict[str, str] = field(default_factory=dict)
    invitations: InvitationOutcome | None = None
    only: list[str] = field(default_factory=list)
    review_path: Path | None = None
    flagged: dict[str, int] = field(default_factory=dict)
    watermarks: dict[str, str] = field(default_factory=dict)
    # Source ids read per object; filled by delta runs, which find deletions with them.
    source_ids: dict[str, set[str]] = field(default_factory=dict)
    resumed_batches: int = 0

    @property
    def is_balanced(self) -> bool:
        return all(report.counts.is_balanced for report in self.objects)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "interrupted": self.interrupted,
            "balanced": self.is_balanced,
            "resumed_batches": self.resumed_batches,
            "objects": [report.as_json() for report in self.objects],
            "unmatched_users": self.unmatched_users,
            "invitations": self.invitations.as_json() if self.invitations else None,
            "only": self.only,
            "review": self.review_path.name if self.review_path else None,
            "flagged": self.flagged,
            "watermarks": self.watermarks,
        }


def journal_path(settings: Settings) -> Path:
    """Return the path of the project's journal."""
    return settings.project_dir / JOURNAL_FILE_NAME


def run_load(
    settings: Settings,
    *,
    source: Path | None = None,
    sample: int | None = None,
    only: Sequence[str] | None = None,
    on_phase: Callable[[str, int], Callable[[int], None]] | None = None,
    stop: threading.Event | None = None,
    invite: bool = False,
    delta: bool = False,
) -> LoadResult:
    """Load the confirmed mapping's records into Twenty; see the module docstring.

    A `delta` run skips the rows the source marks as unmodified since the previous full run
    (see `changes`) and collects the source ids it read, so deletions can be found.
    """
    with TwentyClient.from_settings(settings) as client:
        schema = schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())
        mapping, _lock = check_confirmed(settings, schema=schema)
        profile = load_profile(settings)
        export_path = export_path_for(profile, source, journal_file=journal_path(settings))

        journal = Journal.open(journal_path(settings))
        try:
            return _run(
                settings,
                client,
                journal,
                mapping,
                schema,
                export_path,
                profile=profile,
                sample=sample,
                only=only,
                on_phase=on_phase,
                stop=stop or threading.Event(),
                invite=invite,
                delta=delta,
            )
        finally:
            journal.close()


def _run(
    settings: Settings,
    client: TwentyClient,
    journal: Journal,
    mapping: Mapping,
    schema: TargetSchema,
    export_path: Path,
    *,
    profile: dict[str, Any],
    sample: int | None,
    only: Sequence[str] | None,
    on_phase: Callable[[str, int], Callable[[int], None]] | None,
    stop: threading.Event,
    invite: bool,
    delta: bool,
) -> LoadResult:
    kind = RunKind.LOAD
    if delta:
        kind = RunKind.DELTA
    elif sample:
        kind = RunKind.SAMPLE
    resumed = _close_interrupted(journal)
    run = journal.start_run(
        kind,
        options={
            "sample": sample,
            "only": list(only or []),
            "source": str(export_path.resolve()),
        },
    )
    result = LoadResult(
        run_id=run.id, kind=kind.value, resumed_batches=resumed, only=list(only or [])
    )
    order = plan_load_order(mapping)
    # Discovery counted every object's rows; reading each file again for a progress total
    # would cost a whole extra pass over the export.
    row_counts = {
        obj["name"]: int(obj.get("rows_yielded", 0)) for obj in profile.get("objects", [])
    }
    objects = [name for name in order.objects if not only or name in only]

    with opened_source(settings, profile, export_path) as export, ExitStack() as resources:

        def rows(name: str) -> Iterator[dict[str, str]]:
            return (row.values for row in export.iter_rows(name))

        present = {item.name for item in export.objects()}
        users = list(rows("users")) if "users" in present else []
        workspace_members = list(client.records.iterate("workspaceMembers"))
        members = MemberDirectory.build(
            workspace_members, users, fallback_email=mapping.settings.fallback_owner
        )
        if invite:
            result.invitations = invite_staff(client, journal, users, set(members.member_by_email))
        chosen = choose_sample(mapping, objects, rows, sample) if sample else None
        files = AttachmentFiles(export, max_bytes=settings.attachment_max_bytes)
        context = PhaseContext(
            client=client,
            journal=journal,
            mapping=mapping,
            schema=schema,
            run_id=run.id,
            members=members,
            concurrency=settings.concurrency,
            batch_size=client.records.max_batch_size,
            era=client.profile.era,
            stop=stop,
            lookup=SourceLookup(rows),
            window=(
                ModifiedWindow.since_last_run(
                    journal, overlap=timedelta(minutes=settings.delta_overlap_minutes)
                )
                if delta
                else None
            ),
            source_ids={} if delta else None,
            review=resources.enter_context(
                ReviewLog(reports_dir(settings) / f"review-{run.id}.csv")
            ),
        )
        try:
            for name in objects:
                report = _load_object(
                    context, name, rows, chosen, order.deferred_links, on_phase, row_counts, files
                )
                result.objects.append(report)
                if stop.is_set():
                    break
            if not stop.is_set():
                _link_deferred(context, order.deferred_links, objects, rows, chosen)
            if not stop.is_set() and not only:
                for derived in load_derived(context, rows, present):
                    result.objects.append(
                        ObjectReport(
                            derived.source_object,
                            derived.target_object,
                            derived.counts,
                            label=derived.label,
                        )
                    )
            if not stop.is_set() and not only:
                result.objects.extend(_report_skipped_objects(mapping, present, rows))
        except KeyboardInterrupt:
            stop.set()
        except Exception as error:
            journal.finish_run(
                run.id, status=RunStatus.FAILED, summary=result.as_json(), error=str(error)[:2000]
            )
            raise

    result.interrupted = stop.is_set()
    if not sample and not only:
        result.watermarks = context.watermarks.as_json()
    if context.review is not None:
        result.review_path = context.review.path
        result.flagged = dict(context.review.counts)
    result.source_ids = context.source_ids or {}
    result.unmatched_users = dict(members.unmatched)
    status = RunStatus.INTERRUPTED if result.interrupted else RunStatus.COMPLETED
    journal.finish_run(run.id, status=status, summary=result.as_json())
    return result


def _close_interrupted(journal: Journal) -> int:
    """Mark runs a crash left running as interrupted; their unconfirmed rows are sent again."""
    unconfirmed = journal.unconfirmed_batches()
    for batch in unconfirmed:
        journal.mark_failed(batch.id, reason="interrupted; its rows are sent again by the next run")
    for run in journal.unfinished_runs():
        journal.finish_run(
            run.id,
            status=RunStatus.INTERRUPTED,
            error="the process stopped before the run finished",
        )
    if unconfirmed:
        logger.info("Resuming: %d batches of an interrupted run are sent again", len(unconfirmed))
    return len(unconfirmed)


def _load_object(
    context: PhaseContext,
    name: str,
    rows: Callable[[str], Iterator[dict[str, str]]],
    chosen: dict[str, set[str]] | None,
    deferred_links: dict[str, list[str]],
    on_phase: Callable[[str, int], Callable[[int], None]] | None,
    row_counts: dict[str, int],
    files: AttachmentFiles,
) -> ObjectReport:
    object_mapping = context.mapping.objects[name]
    target_name = object_mapping.target or ""
    phase = context.journal.start_phase(
        context.run_id, source_object=name, target_object=target_name
    )
    loader: PhaseLoader | AttachmentLoader
    if is_attachment_object(object_mapping):
        loader = AttachmentLoader(context, name, files)
    else:
        loader = PhaseLoader(context, name, deferred_columns=deferred_links.get(name, ()))
    total = row_counts.get(name, 0)
    context.on_progress = on_phase(name, total) if on_phase else (lambda _count: None)
    selected = chosen.get(name) if chosen is not None else None

    def object_rows() -> Iterator[dict[str, str]]:
        for row in rows(name):
            if selected is not None and row.get("id", "").strip() not in selected:
                loader.counts.read += 1
                loader.counts.skip("sample run: not selected")
                context.on_progress(1)
                continue
            yield row

    counts = loader.load(object_rows, phase_id=phase.id)
    if isinstance(loader, AttachmentLoader):
        in_twenty = None if context.stop.is_set() else loader.reconcile(phase_id=phase.id)
        report = _finish(context, phase.id, name, target_name, counts, reconcile=False)
        report.in_twenty = in_twenty
        return report
    return _finish(
        context,
        phase.id,
        name,
        target_name,
        counts,
        reconcile=True,
        rows=rows,
        deferred_links=deferred_links,
    )


def _finish(
    context: PhaseContext,
    phase_id: int,
    name: str,
    target_name: str,
    counts: PhaseCounts,
    *,
    reconcile: bool,
    rows: Callable[[str], Iterator[dict[str, str]]] | None = None,
    deferred_links: dict[str, list[str]] | None = None,
) -> ObjectReport:
    report = ObjectReport(name, target_name, counts)
    status = RunStatus.INTERRUPTED if context.stop.is_set() else RunStatus.COMPLETED
    context.journal.finish_phase(
        phase_id,
        status=status,
        counts=counts.for_journal(),
    )
    if reconcile and not context.stop.is_set():
        target = context.schema.objects[target_name]
        check = reconcile_target(
            context.client,
            context.journal,
            target_object=target_name,
            objects_path=target.name_plural,
        )
        if not check.is_clean and rows is not None:
            _resend_missing(context, name, set(check.missing_ids), rows, deferred_links or {})
            check = reconcile_target(
                context.client,
                context.journal,
                target_object=target_name,
                objects_path=target.name_plural,
            )
        if not check.is_clean:
            raise missing_records_error(check)
        report.in_twenty = sum(
            1 for entry in context.journal.id_map_entries(source_object=name) if entry.is_in_twenty
        )
    if not counts.is_balanced and not context.stop.is_set():
        raise FatalError(
            f"{name}: {counts.read} rows read but {counts.loaded} loaded + {counts.skipped} "
            f"skipped + {counts.quarantined} quarantined.",
            hint="This is a bug in bt2twenty: report it with the journal file.",
        )
    return report


def _resend_missing(
    context: PhaseContext,
    name: str,
    missing_ids: set[str],
    rows: Callable[[str], Iterator[dict[str, str]]],
    deferred_links: dict[str, list[str]],
) -> None:
    """Send again the records of `name` that the journal lists but Twenty lacks."""
    source_ids = {
        entry.source_id
        for entry in context.journal.id_map_entries(source_object=name)
        if entry.target_id in missing_ids
    }
    if not source_ids:
        return
    logger.warning(
        "%d %s records are missing from Twenty; sending them again", len(source_ids), name
    )
    loader = PhaseLoader(
        context, name, deferred_columns=deferred_links.get(name, ()), resend=source_ids
    )
    phase = context.journal.start_phase(
        context.run_id, source_object=name, target_object=loader.target.name_singular
    )

    def missing_rows() -> Iterator[dict[str, str]]:
        return (row for row in rows(name) if row.get("id", "").strip() in source_ids)

    counts = loader.load(missing_rows, phase_id=phase.id)
    context.journal.finish_phase(
        phase.id,
        status=RunStatus.COMPLETED,
        counts=counts.for_journal(),
    )


def _already_linked(
    context: PhaseContext, objects_path: str, record_id: str, changes: dict[str, str]
) -> bool:
    """Return whether the record already has these links, so a repeated run sends no update."""
    current = context.client.records.get(objects_path, record_id)
    return all(current.get(key) == value for key, value in changes.items())


def _count_skipped(rows: Iterator[dict[str, str]], rule: str) -> PhaseCounts:
    """Count every row as read and skipped by `rule`, so the object still reconciles."""
    counts = PhaseCounts()
    for _row in rows:
        counts.read += 1
        counts.skip(rule)
    return counts


def _report_skipped_objects(
    mapping: Mapping,
    present: set[str],
    rows: Callable[[str], Iterator[dict[str, str]]],
) -> list[ObjectReport]:
    """Count the rows of objects the mapping skips, so every row of the export is accounted for."""
    reports = []
    for name, object_mapping in mapping.objects.items():
        if not object_mapping.skip or name not in present:
            continue
        counts = _count_skipped(rows(name), f"not migrated: {object_mapping.skip}")
        reports.append(ObjectReport(name, "(none)", counts))
    return reports


def _link_deferred(
    context: PhaseContext,
    deferred_links: dict[str, list[str]],
    objects: list[str],
    rows: Callable[[str], Iterator[dict[str, str]]],
    chosen: dict[str, set[str]] | None,
) -> None:
    """Fill the join columns held back to break cycles, now that every record exists."""
    for name, columns in deferred_links.items():
        if name not in objects:
            continue
        object_mapping = context.mapping.objects[name]
        target = context.schema.objects[object_mapping.target or ""]
        for row in rows(name):
            source_id = row.get("id", "").strip()
            if chosen is not None and source_id not in chosen.get(name, set()):
                continue
            record_id = context.journal.target_id(name, source_id)
            if record_id is None:
                continue
            changes = deferred_link_values(object_mapping, columns, row, context.journal.target_id)
            if changes and not _already_linked(context, target.name_plural, record_id, changes):
                updated = context.client.records.update(target.name_plural, record_id, changes)
                # The link changes `updatedAt` again; rollback compares against this one.
                context.journal.record_written({record_id: WriteStamp.from_record(updated)})

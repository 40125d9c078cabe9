"""The verify stage: prove that Twenty contains what the migration meant to write.

`run_verify` rebuilds every journaled record from the source (see `expected`), reads each
target object back from Twenty (see `readback`), and writes the verification report and the
spot-check sheet to the project's `reports/` folder. It writes nothing to Twenty. The result
is clean only when every record is there with every field meaning what was sent, and Twenty
contains no extra record carrying a Bluetrait id.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.journal import Journal, RunKind, RunStatus
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetSchema, schema_from_metadata
from bt2twenty.mapping.workflow import check_confirmed, load_profile
from bt2twenty.pipeline.attachments import (
    AttachmentCheck,
    AttachmentStatus,
    is_attachment_object,
    verify_attachments,
)
from bt2twenty.pipeline.delta import known_deletions
from bt2twenty.pipeline.derived import article_note_targets, device_notes, quote_opportunities
from bt2twenty.pipeline.load import journal_path
from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.pipeline.order import plan_load_order
from bt2twenty.pipeline.phase import SourceLookup
from bt2twenty.pipeline.source import export_path_for, opened_source
from bt2twenty.pipeline.verify.expected import (
    ExpectationBuilder,
    ExpectedRecord,
    ExpectedStore,
    SpotSample,
    expected_from_journal,
)
from bt2twenty.pipeline.verify.readback import (
    DETAIL_LIMIT,
    Finding,
    ObjectReadBack,
    ObjectVerification,
)
from bt2twenty.reports import reports_dir
from bt2twenty.reports.verification import FindingsCsv, SpotCheckEntry, write_verification
from bt2twenty.settings import Settings
from bt2twenty.sources.bluetrait.export import BluetraitExport
from bt2twenty.transform.payload import BuiltRecord
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

_LOADING_RUNS = (RunKind.LOAD, RunKind.SAMPLE, RunKind.DELTA)
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass
class VerifyResult:
    """The verification of every target object, and where its reports are."""

    run_id: int
    twenty_url: str
    twenty_version: str
    objects: list[ObjectVerification] = field(default_factory=list)
    spot_check: list[SpotCheckEntry] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def is_clean(self) -> bool:
        return all(result.is_clean for result in self.objects)

    @property
    def verified(self) -> int:
        return sum(result.verified for result in self.objects)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "clean": self.is_clean,
            "twenty_url": self.twenty_url,
            "twenty_version": self.twenty_version,
            "objects": [result.as_json() for result in self.objects],
            "reports": {kind: str(path) for kind, path in self.reports.items()},
        }


def run_verify(
    settings: Settings,
    *,
    source: Path | None = None,
    seed: int | None = None,
    on_phase: ProgressFactory | None = None,
) -> VerifyResult:
    """Verify every record this migration wrote; see the module docstring."""
    path = journal_path(settings)
    if not path.is_file() or not _has_loaded(path):
        raise ConfigError(
            f"No load has run in {settings.project_dir} yet, so there is nothing to verify.",
            hint="Run `bt2twenty run` first; verify reads back what the journal says it wrote.",
        )
    progress = on_phase or (lambda _name, _total: lambda _count: None)

    with TwentyClient.from_settings(settings) as client:
        schema = schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())
        mapping, _lock = check_confirmed(settings, schema=schema)
        profile = load_profile(settings)
        export_path = export_path_for(profile, source, journal_file=path)

        journal = Journal.open(path)
        run = journal.start_run(RunKind.VERIFY, options={"seed": seed})
        result = VerifyResult(
            run_id=run.id,
            twenty_url=settings.twenty_url or "",
            twenty_version=_version(client),
        )
        store = ExpectedStore(settings.project_dir / f".verify-{run.id}.sqlite")
        try:
            with opened_source(settings, profile, export_path) as export:
                attachment_checks = verify_attachments(client, journal, export)
                samples = _collect_expected(
                    client,
                    journal,
                    mapping,
                    schema,
                    export,
                    store,
                    settings,
                    profile,
                    seed,
                    progress,
                )
            _read_back(client, journal, schema, store, samples, result, progress, settings)
            if attachment_checks:
                result.objects.append(_attachment_verification(attachment_checks))
            result.reports = write_verification(result, reports_dir(settings), mapping=mapping)
        except BaseException as error:
            journal.finish_run(run.id, status=RunStatus.FAILED, error=str(error)[:2000])
            journal.close()
            raise
        finally:
            store.close()
        journal.finish_run(run.id, status=RunStatus.COMPLETED, summary=result.as_json())
        journal.close()
    return result


def _collect_expected(
    client: TwentyClient,
    journal: Journal,
    mapping: Mapping,
    schema: TargetSchema,
    export: BluetraitExport,
    store: ExpectedStore,
    settings: Settings,
    profile: dict[str, Any],
    seed: int | None,
    progress: ProgressFactory,
) -> list[SpotSample]:
    """Rebuild each journaled record from the source into `store`, sampling the spot check."""

    def rows(name: str) -> Iterator[dict[str, str]]:
        return (row.values for row in export.iter_rows(name))

    present = {item.name for item in export.objects()}
    users = list(rows("users")) if "users" in present else []
    members = MemberDirectory.build(
        client.records.iterate("workspaceMembers"),
        users,
        fallback_email=mapping.settings.fallback_owner,
    )
    lookup = SourceLookup(rows)
    order = plan_load_order(mapping)
    rng = random.Random(seed)
    samples = []
    row_counts = {o["name"]: int(o.get("rows_yielded", 0)) for o in profile.get("objects", [])}
    for name in order.objects:
        if name not in present or is_attachment_object(mapping.objects[name]):
            continue
        builder = ExpectationBuilder(
            mapping,
            schema,
            journal,
            members,
            name,
            deferred_columns=order.deferred_links.get(name, ()),
            lookup=lookup,
        )
        builder.prepare(partial(rows, name))
        sample = SpotSample(name, settings.spot_check_size, rng)
        advance = progress(f"rebuilding {name}", row_counts.get(name, 0))
        for row in rows(name):
            for record in builder.expected(row):
                store.add(record)
                if record.source_object == name:
                    sample.offer(record, row)
            advance(1)
        samples.append(sample)

    for built in _derived_records(journal, mapping, schema, rows, present, lookup):
        derived = expected_from_journal(journal, built)
        if derived is not None:
            store.add(derived)
    store.flush()
    return samples


def _derived_records(
    journal: Journal,
    mapping: Mapping,
    schema: TargetSchema,
    rows: Callable[[str], Iterator[dict[str, str]]],
    present: set[str],
    lookup: SourceLookup,
) -> Iterator[BuiltRecord]:
    """Yield the device notes, their targets and the article links, as the loader built them."""

    def resolve(source_object: str, source_id: str) -> str | None:
        return journal.target_id(source_object, source_id) if source_id else None

    migration_id = journal.migration_id
    for note, target in device_notes(
        mapping, schema, rows, present, resolve=resolve, migration_id=migration_id
    ):
        yield note
        yield target
    yield from quote_opportunities(
        mapping, schema, rows, present, resolve=resolve, migration_id=migration_id
    )
    yield from article_note_targets(
        mapping, rows, present, resolve=resolve, lookup=lookup, migration_id=migration_id
    )


def _read_back(
    client: TwentyClient,
    journal: Journal,
    schema: TargetSchema,
    store: ExpectedStore,
    samples: list[SpotSample],
    result: VerifyResult,
    progress: ProgressFactory,
    settings: Settings,
) -> None:
    """Read every target object back and compare; keep the stored spot-check records."""
    picked: dict[str, tuple[ExpectedRecord, dict[str, str]]] = {
        record.target_id: (record, row) for sample in samples for record, row in sample.picks
    }
    stored_picks: dict[str, dict[str, Any]] = {}

    def keep_pick(expected: ExpectedRecord, stored: dict[str, Any]) -> None:
        if expected.target_id in picked:
            stored_picks[expected.target_id] = stored

    deleted = known_deletions(journal)
    folder = reports_dir(settings)
    with FindingsCsv(folder / f"verify-{result.run_id}.csv") as findings:

        def on_finding(finding: Finding) -> None:
            findings.add(finding)

        for target_name in store.target_objects():
            target = schema.objects[target_name]
            reader = ObjectReadBack(
                client,
                journal,
                store,
                target,
                on_finding=on_finding,
                on_record=keep_pick,
                on_progress=progress(f"reading {target.name_plural}", store.count(target_name)),
                known_deletions=deleted,
            )
            verification = reader.run()
            result.objects.append(verification)
            logger.info(
                "%s: %d verified, %d mismatched, %d missing, %d extra",
                target_name,
                verification.verified,
                verification.mismatched_records,
                verification.missing,
                verification.extra,
            )

    for sample in samples:
        for record, row in sorted(sample.picks, key=lambda pick: _natural(pick[0].source_id)):
            result.spot_check.append(
                SpotCheckEntry(record, row, stored_picks.get(record.target_id))
            )


def _has_loaded(path: Path) -> bool:
    journal = Journal.open(path)
    try:
        return any(journal.runs(kind=kind) for kind in _LOADING_RUNS)
    finally:
        journal.close()


def _natural(source_id: str) -> tuple[int, str]:
    """Sort key that puts numeric ids in numeric order."""
    return (int(source_id), "") if source_id.isdigit() else (0, source_id)


def _attachment_verification(checks: list[AttachmentCheck]) -> ObjectVerification:
    """Summarise the byte-for-byte attachment checks as the attachment object's verification."""
    verification = ObjectVerification("attachment", expected=len(checks))
    for check in checks:
        if check.status is not AttachmentStatus.MISSING:
            verification.read += 1
        if check.is_ok:
            verification.verified += 1
            continue
        if check.status is AttachmentStatus.MISSING:
            verification.missing += 1
            kind = "missing"
        else:
            verification.mismatched_records += 1
            verification.mismatched_fields += 1
            kind = "mismatch"
        finding = Finding(
            kind,
            "attachment",
            check.record_id,
            check.source_object,
            check.source_id,
            field="file",
            expected=f"{check.expected_size} bytes, SHA-256 {check.expected_sha256}",
            stored=f"{check.actual_size} bytes, SHA-256 {check.actual_sha256}",
            reason=f"{check.status.value}: {check.detail}",
        )
        if len(verification.findings) < DETAIL_LIMIT:
            verification.findings.append(finding)
    return verification


def _version(client: TwentyClient) -> str:
    profile = client.profile
    version = profile.server_version or "version not stated"
    return f"{version} (API era {profile.era})"

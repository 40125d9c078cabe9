"""Verify uploaded attachments: download each one and compare it with the export's file."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from bt2twenty.journal import Journal, Origin
from bt2twenty.pipeline.attachments.files import FileDigest
from bt2twenty.pipeline.attachments.loader import ATTACHMENT_OBJECT
from bt2twenty.pipeline.attachments.stored import download_attachment
from bt2twenty.sources.bluetrait.export import BluetraitExport
from bt2twenty.twenty import TwentyClient, TwentyNotFoundError

logger = logging.getLogger(__name__)

DEFAULT_FILE_COLUMN = "path"


class AttachmentStatus(StrEnum):
    """The outcome of comparing one attachment in Twenty with its file in the export."""

    OK = "ok"
    MISSING = "missing"
    SIZE_MISMATCH = "size mismatch"
    CHECKSUM_MISMATCH = "checksum mismatch"
    SOURCE_MISSING = "source missing"


@dataclass(frozen=True)
class AttachmentCheck:
    """One attachment record this migration created, compared with the export's file.

    Sizes are in bytes and checksums are SHA-256 in hex. A value is None where it could not
    be read: the `actual_*` values when Twenty has no record or file, the `expected_*` values
    when the export lacks the file.
    """

    source_object: str
    source_id: str
    record_id: str
    status: AttachmentStatus
    path: str
    expected_size: int | None
    actual_size: int | None
    expected_sha256: str | None
    actual_sha256: str | None
    detail: str = ""

    @property
    def is_ok(self) -> bool:
        return self.status is AttachmentStatus.OK

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


def verify_attachments(
    client: TwentyClient,
    journal: Journal,
    export: BluetraitExport,
    *,
    file_column: str = DEFAULT_FILE_COLUMN,
) -> list[AttachmentCheck]:
    """Download every attachment this migration created and compare it with the export's file.

    Each attachment is read back by its record (one request) and its file (one more), both
    under the client's rate limit. `file_column` is the source column that holds a row's file
    path. Results come in id-map order, one per attachment record.
    """
    entries = [
        entry
        for entry in journal.id_map_entries(target_object=ATTACHMENT_OBJECT)
        if entry.origin is Origin.CREATED and entry.deleted_at is None
    ]
    paths = _source_paths(export, {entry.source_object for entry in entries}, file_column)
    era = client.profile.era
    checks = []
    for entry in entries:
        path = paths.get((entry.source_object, entry.source_id), "")
        expected = _expected_digest(export, path)
        check = _compare(
            client, entry.source_object, entry.source_id, entry.target_id, path, expected, era
        )
        if not check.is_ok:
            logger.warning(
                "Attachment %s %s (%s): %s %s",
                entry.source_object,
                entry.source_id,
                entry.target_id,
                check.status.value,
                check.detail,
            )
        checks.append(check)
    failed = sum(1 for check in checks if not check.is_ok)
    logger.info("Verified %d attachments: %d differ or are missing", len(checks), failed)
    return checks


def _compare(
    client: TwentyClient,
    source_object: str,
    source_id: str,
    record_id: str,
    path: str,
    expected: FileDigest | None,
    era: str,
) -> AttachmentCheck:
    def result(
        status: AttachmentStatus, actual: FileDigest | None = None, detail: str = ""
    ) -> AttachmentCheck:
        return AttachmentCheck(
            source_object=source_object,
            source_id=source_id,
            record_id=record_id,
            status=status,
            path=path,
            expected_size=expected.size if expected else None,
            actual_size=actual.size if actual else None,
            expected_sha256=expected.sha256 if expected else None,
            actual_sha256=actual.sha256 if actual else None,
            detail=detail,
        )

    try:
        record = client.records.get("attachments", record_id)
    except TwentyNotFoundError:
        return result(AttachmentStatus.MISSING, detail="no attachment record with this id")
    try:
        content = download_attachment(client, record, era=era)
    except TwentyNotFoundError:
        return result(AttachmentStatus.MISSING, detail="the record's file is not stored")
    if content is None:
        return result(AttachmentStatus.MISSING, detail="the record holds no file")

    actual = FileDigest.of(content)
    if expected is None:
        return result(
            AttachmentStatus.SOURCE_MISSING,
            actual,
            detail=f"file {path or '(no path)'} is not in the export to compare with",
        )
    if actual.size != expected.size:
        return result(
            AttachmentStatus.SIZE_MISMATCH,
            actual,
            detail=f"{actual.size} bytes in Twenty, {expected.size} in the export",
        )
    if actual.sha256 != expected.sha256:
        return result(
            AttachmentStatus.CHECKSUM_MISMATCH,
            actual,
            detail="same size, different bytes",
        )
    return result(AttachmentStatus.OK, actual)


def _source_paths(
    export: BluetraitExport, source_objects: set[str], file_column: str
) -> dict[tuple[str, str], str]:
    paths = {}
    for source_object in sorted(source_objects):
        if export.get(source_object) is None:
            continue
        for row in export.iter_rows(source_object):
            source_id = row.values.get("id", "").strip()
            paths[(source_object, source_id)] = row.values.get(file_column, "")
    return paths


def _expected_digest(export: BluetraitExport, path: str) -> FileDigest | None:
    entry = export.attachment(path) if path.strip() else None
    if entry is None:
        return None
    return FileDigest.of(export.read_attachment(entry))

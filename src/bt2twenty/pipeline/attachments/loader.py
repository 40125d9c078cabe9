"""Load attachment rows: upload each file, then create its attachment record on the ticket.

Each row becomes one journaled batch of one item, with the deterministic record id of the
row and, as payload hash, the file's SHA-256 and size. The batch is journaled before the
upload and confirmed once the record exists, so a row whose batch is confirmed with the same
file is not uploaded again. A row whose earlier batch never got confirmed is uploaded again
and its record upserted by id, so a resumed run never creates a second attachment record.
When Twenty already contains that record with the same bytes (the process died after creating
it), the record is confirmed without another upload.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.journal import BatchItem, BatchOperation, BatchState, Origin, WriteStamp
from bt2twenty.mapping.model import ObjectMapping
from bt2twenty.pipeline.attachments.files import (
    AttachmentFiles,
    FileDigest,
    FileProblem,
    SourceFile,
    display_name,
    file_category,
)
from bt2twenty.pipeline.attachments.stored import download_attachment
from bt2twenty.pipeline.phase import PhaseContext, PhaseCounts
from bt2twenty.pipeline.reconcile import missing_records_error, reconcile_target
from bt2twenty.transform.payload import RecordBuilder
from bt2twenty.twenty import TwentyBadRequestError, TwentyNotFoundError

logger = logging.getLogger(__name__)

ATTACHMENT_OBJECT = "attachment"
ATTACHMENT_TRANSFORMS = frozenset({"file_upload", "attachment_target"})
FILE_FOLDER = "Attachment"


def is_attachment_object(object_mapping: ObjectMapping) -> bool:
    """Return whether the object's rows are files to upload as attachments."""
    return any(
        not entry.skip and entry.transform in ATTACHMENT_TRANSFORMS
        for entry in object_mapping.columns.values()
    )


@dataclass(frozen=True)
class _Columns:
    """The source columns that name an attachment's file, parent and MIME type."""

    file: str | None
    parent: str | None
    parent_object: str
    mime_type: str | None


@dataclass(frozen=True)
class _Upload:
    """One row ready to send: its built record, its file and the ticket it belongs to."""

    source_id: str
    record_id: str
    payload: dict[str, Any]
    file: SourceFile
    name: str
    row: dict[str, str]


class AttachmentLoader:
    """Uploads the files of one attachment source object and links them to their parents."""

    def __init__(self, context: PhaseContext, source_object: str, files: AttachmentFiles) -> None:
        self.context = context
        self.source_object = source_object
        self.files = files
        self.counts = PhaseCounts()
        self.object_mapping = context.mapping.objects[source_object]
        self._columns = _columns_of(self.object_mapping)
        self._target = context.schema.objects[self.object_mapping.target or ATTACHMENT_OBJECT]
        self._join_column = self._parent_join_column()
        self._files_field_id: str | None = None
        self._builder = RecordBuilder(
            context.mapping,
            context.schema,
            source_object,
            migration_id=context.journal.migration_id,
            resolve=lambda _object, _id: None,
        )
        self._interrupted = self._rows_of_unconfirmed_batches()
        self._rows: Callable[[], Iterator[dict[str, str]]] | None = None
        self._lock = threading.Lock()

    def load(self, rows: Callable[[], Iterator[dict[str, str]]], *, phase_id: int) -> PhaseCounts:
        """Upload every row `rows()` yields; returns the counts once every upload finished."""
        self._rows = rows
        if self.context.era != "v1":
            self._files_field()
        return self._load(rows, phase_id=phase_id, resend=set())

    def reconcile(self, *, phase_id: int) -> int:
        """Check every attachment the journal lists is in Twenty, sending missing ones again.

        Returns how many of this object's rows have an attachment in Twenty; raises
        `FatalError` if some are still missing after one more attempt.
        """
        check = self._check()
        if not check.is_clean and self._rows is not None:
            missing = set(check.missing_ids)
            source_ids = {
                entry.source_id
                for entry in self.context.journal.id_map_entries(source_object=self.source_object)
                if entry.target_id in missing
            }
            logger.warning(
                "%d %s attachments are missing from Twenty; uploading them again",
                len(source_ids),
                self.source_object,
            )
            rows = self._rows
            resent = PhaseCounts()
            self.counts, saved = resent, self.counts
            try:
                self._load(rows, phase_id=phase_id, resend=source_ids)
            finally:
                self.counts = saved
            check = self._check()
        if not check.is_clean:
            raise missing_records_error(check)
        return sum(
            1
            for entry in self.context.journal.id_map_entries(source_object=self.source_object)
            if entry.origin is Origin.CREATED and entry.deleted_at is None
        )

    def _check(self) -> Any:
        return reconcile_target(
            self.context.client,
            self.context.journal,
            target_object=self._target.name_singular,
            objects_path=self._target.name_plural,
        )

    def _load(
        self, rows: Callable[[], Iterator[dict[str, str]]], *, phase_id: int, resend: set[str]
    ) -> PhaseCounts:
        futures: list[Future[None]] = []
        with ThreadPoolExecutor(max_workers=self.context.concurrency) as pool:
            for row in rows():
                if self.context.stop.is_set():
                    break
                if resend and row.get("id", "").strip() not in resend:
                    continue
                upload = self._prepare(row, force=bool(resend))
                if upload is None:
                    continue
                futures.append(pool.submit(self._send, upload, phase_id))
                while len(futures) > self.context.concurrency * 2:
                    futures.pop(0).result()
            for future in futures:
                future.result()
        return self.counts

    def _prepare(self, row: dict[str, str], *, force: bool) -> _Upload | None:
        """Return the row's upload, or None when it is unchanged or quarantined."""
        self.counts.read += 1
        record = self._builder.build(row)
        if record.is_rejected:
            self._quarantine(record.source_id, record.reasons, row)
            return None

        parent_id, reason = self._parent_of(record.deferred)
        if parent_id is None:
            self._quarantine(record.source_id, [reason], row)
            return None
        path = record.deferred.get(self._columns.file or "", "")
        try:
            file = self.files.read(path)
        except FileProblem as problem:
            self._quarantine(record.source_id, [str(problem)], row)
            return None
        self._check_declared(record.source_id, row, file.digest)
        if not force and self._is_unchanged(record.source_id, record.record_id, file.digest):
            with self._lock:
                self.counts.loaded += 1
                self.counts.unchanged += 1
            self.context.on_progress(1)
            return None

        name = display_name(str(record.payload.get("name", "")), path)
        payload = dict(record.payload)
        payload["name"] = name
        payload[self._join_column] = parent_id
        if "fileCategory" in self._target.fields:
            mime_type = record.deferred.get(self._columns.mime_type or "", "")
            payload["fileCategory"] = file_category(mime_type, name)
        return _Upload(record.source_id, record.record_id, payload, file, name, row)

    def _send(self, upload: _Upload, phase_id: int) -> None:
        journal = self.context.journal
        item = BatchItem(
            self.source_object,
            upload.source_id,
            upload.record_id,
            upload.file.digest.journal_hash,
            Origin.CREATED,
        )
        batch = journal.add_batch(
            self.context.run_id,
            target_object=self._target.name_singular,
            operation=BatchOperation.UPSERT,
            items=[item],
            phase_id=phase_id,
        )
        journal.mark_sent(batch.id)
        try:
            stored = self._already_stored(upload) or self._upload_and_create(upload)
        except TwentyBadRequestError as error:
            reason = "; ".join(error.messages) or str(error)
            journal.mark_failed(batch.id, reason=f"rejected by Twenty: {reason}"[:2000])
            self._quarantine(
                upload.source_id, [f"Twenty rejected the upload: {reason}"], upload.row
            )
            return
        # Rollback detects a later edit in Twenty by comparing with what Twenty returned here.
        journal.mark_confirmed(batch.id, written={upload.record_id: WriteStamp.from_record(stored)})
        with self._lock:
            self.counts.loaded += 1
        self.context.on_progress(1)

    def _upload_and_create(self, upload: _Upload) -> dict[str, Any]:
        # NOTE: zero-byte files upload as empty files; only the stand-in has accepted them so
        # far, and Twenty's behaviour for an empty multipart file is not confirmed.
        client = self.context.client
        stored = client.graphql.upload_file(
            upload.file.content,
            upload.name,
            field_metadata_id=self._files_field() if self.context.era != "v1" else None,
            file_folder=FILE_FOLDER,
        )
        payload = dict(upload.payload)
        if self.context.era == "v1":
            payload["fullPath"] = stored.path
        else:
            payload["file"] = [{"fileId": stored.file_id, "label": upload.name}]
        created = client.records.create_many(self._target.name_plural, [payload], upsert=True)
        return created[0] if created else {}

    def _already_stored(self, upload: _Upload) -> dict[str, Any] | None:
        """Return the record an interrupted run already created with these bytes, or None."""
        if upload.source_id not in self._interrupted:
            return None
        try:
            record = self.context.client.records.get(self._target.name_plural, upload.record_id)
            content = download_attachment(self.context.client, record, era=self.context.era)
        except TwentyNotFoundError:
            return None
        if content is None or FileDigest.of(content) != upload.file.digest:
            return None
        logger.info(
            "%s %s: the attachment is already in Twenty; not uploaded again",
            self.source_object,
            upload.source_id,
        )
        return record

    def _is_unchanged(self, source_id: str, record_id: str, digest: FileDigest) -> bool:
        entry = self.context.journal.id_map_entry(self.source_object, source_id)
        return (
            entry is not None
            and entry.rolled_back_at is None
            and entry.deleted_at is None
            and entry.target_id == record_id
            and entry.payload_hash == digest.journal_hash
        )

    def _parent_of(self, deferred: dict[str, str]) -> tuple[str | None, str]:
        """Return the Twenty id of the row's parent, or None and the reason it has none."""
        parent = self._columns.parent_object.removesuffix("s") or "parent"
        reference = deferred.get(self._columns.parent or "", "").strip()
        if not reference or reference == "0":
            return None, (
                f"the row names no {parent} ({self._columns.parent} is empty), so the "
                f"attachment has nothing to link to; fill in {self._columns.parent}"
            )
        parent_id = self.context.journal.target_id(self._columns.parent_object, reference)
        if parent_id is None:
            return None, (
                f"{parent} {reference} is not loaded in Twenty, so the attachment has nothing "
                f"to link to; load it first (bt2twenty run --only {self._columns.parent_object}"
                f", and check its quarantine entry), then run again"
            )
        return parent_id, ""

    def _check_declared(self, source_id: str, row: dict[str, str], digest: FileDigest) -> None:
        """Flag a file whose bytes differ from the size or checksum its row declares."""
        declared_sha = row.get("sha256", "").strip().lower()
        declared_size = row.get("size", "").strip()
        if (declared_sha and declared_sha != digest.sha256) or (
            declared_size.isdigit() and int(declared_size) != digest.size
        ):
            with self._lock:
                self.counts.flagged += 1
            logger.warning(
                "%s %s: the file (%d bytes, SHA-256 %s) differs from its row (%s bytes, %s); "
                "the file is uploaded as it is",
                self.source_object,
                source_id,
                digest.size,
                digest.sha256,
                declared_size or "?",
                declared_sha or "?",
            )

    def _quarantine(self, source_id: str, reasons: list[str], row: dict[str, str]) -> None:
        self.context.journal.quarantine(
            self.context.run_id,
            source_object=self.source_object,
            source_id=source_id,
            reasons=reasons,
            row=row,
        )
        with self._lock:
            self.counts.quarantined += 1
        self.context.on_progress(1)

    def _parent_join_column(self) -> str:
        parent_target = self.context.mapping.objects.get(self._columns.parent_object)
        name = parent_target.target if parent_target is not None else None
        if not name:
            raise ConfigError(
                f"{self.source_object}: the attachment's parent object "
                f"{self._columns.parent_object!r} is not mapped to a Twenty object.",
                hint="Map the parent object in mapping.yaml, then confirm the mapping again.",
            )
        field = f"target{name[:1].upper()}{name[1:]}"
        if field not in self._target.fields:
            raise ConfigError(
                f"Twenty's {self._target.name_singular} object has no {field} field, so "
                f"{self.source_object} cannot be linked to their {name} records.",
                hint=f"Make {name} an attachment target in Twenty's data model (custom objects "
                "get it when created), then run again.",
            )
        return f"{field}Id"

    def _files_field(self) -> str:
        """Return the metadata id of the attachment object's FILES field (2.x uploads need it)."""
        if self._files_field_id is None:
            metadata = self.context.client.metadata
            owner = metadata.find_object(self._target.name_singular) or {}
            for field in metadata.list_fields():
                if field.get("objectMetadataId") == owner.get("id") and field.get("type") == (
                    "FILES"
                ):
                    self._files_field_id = str(field["id"])
                    break
            else:
                raise ConfigError(
                    f"Twenty's {self._target.name_singular} object has no FILES field to "
                    "upload attachments into.",
                    hint="Check the API era (setting twenty_era): 1.x servers store "
                    "attachments by path instead.",
                )
        return self._files_field_id

    def _rows_of_unconfirmed_batches(self) -> set[str]:
        """Return source ids whose earlier attachment batch failed or was interrupted."""
        return {
            item.source_id
            for batch in self.context.journal.batches(state=BatchState.FAILED)
            if batch.target_object == self._target.name_singular
            for item in batch.items
            if item.source_object == self.source_object
        }


def _columns_of(object_mapping: ObjectMapping) -> _Columns:
    file_column = parent_column = mime_column = None
    parent_object = ""
    for column, entry in object_mapping.columns.items():
        if entry.skip:
            continue
        if entry.transform == "file_upload":
            file_column = column
        elif entry.transform == "attachment_target":
            parent_column = column
            parent_object = str(entry.params.get("object", ""))
        elif entry.transform == "file_category":
            mime_column = column
    return _Columns(file_column, parent_column, parent_object, mime_column)

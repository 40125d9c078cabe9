"""The journal's vocabulary: kinds and states as enums, stored rows as frozen dataclasses."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)


class RunKind(StrEnum):
    """The pipeline stage a run performs."""

    SCHEMA = "schema"
    LOAD = "load"
    SAMPLE = "sample"
    DELTA = "delta"
    VERIFY = "verify"
    ROLLBACK = "rollback"


class RunStatus(StrEnum):
    """The state of a run or a phase. `running` after a crash means the process died."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class BatchOperation(StrEnum):
    """The Twenty write a batch performs."""

    CREATE = "create"
    UPSERT = "upsert"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"


class BatchState(StrEnum):
    """A batch moves `pending → sent → confirmed`, or ends `failed` with a reason."""

    PENDING = "pending"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"


class Origin(StrEnum):
    """The way a target record entered the id map.

    `created`: the migration created it, so rollback destroys it. `linked`: it existed in Twenty
    and the migration only bound a source row to it, so rollback leaves it alone. `updated`: it
    existed and the migration changed it, so rollback writes its before-image back.
    """

    CREATED = "created"
    LINKED = "linked"
    UPDATED = "updated"


class SchemaChangeKind(StrEnum):
    """A change the schema stage made to Twenty's metadata."""

    CREATE_OBJECT = "create_object"
    CREATE_FIELD = "create_field"
    UPDATE_FIELD = "update_field"
    ADD_OPTIONS = "add_options"


def derive_record_id(migration_id: str, source_object: str, source_id: str) -> str:
    """Return the deterministic Twenty id (UUIDv5) of one source row in one migration.

    The name hashed is the JSON array `[source_object, source_id]`, so no pair of names can
    collide by concatenation.
    """
    name = json.dumps([source_object, source_id], ensure_ascii=False)
    return str(uuid.uuid5(uuid.UUID(migration_id), name))


@dataclass(frozen=True)
class MigrationInfo:
    """The migration a journal file belongs to."""

    id: str
    created_at: str
    tool_version: str


@dataclass(frozen=True)
class Run:
    """One invocation of a pipeline stage."""

    id: int
    kind: RunKind
    status: RunStatus
    started_at: str
    finished_at: str | None
    tool_version: str
    options: dict[str, Any]
    summary: dict[str, Any] | None
    error: str | None

    @property
    def is_finished(self) -> bool:
        return self.status is not RunStatus.RUNNING


@dataclass(frozen=True)
class PhaseCounts:
    """Row counts of one phase. Complete when read = loaded + skipped + quarantined."""

    read: int = 0
    loaded: int = 0
    skipped: int = 0
    quarantined: int = 0

    @property
    def unaccounted(self) -> int:
        """Rows read but neither loaded, skipped nor quarantined (negative if over-counted)."""
        return self.read - self.loaded - self.skipped - self.quarantined


@dataclass(frozen=True)
class Phase:
    """The part of a run that moves one source object to one target object."""

    id: int
    run_id: int
    source_object: str
    target_object: str
    status: RunStatus
    started_at: str
    finished_at: str | None
    counts: PhaseCounts


@dataclass(frozen=True)
class BatchItem:
    """One record of a batch, as planned before sending.

    `origin` may be left unset for `create` (implies created) and `update` (implies updated).
    An `upsert` item needs it here or when the batch is confirmed, because only the caller
    can tell whether Twenty matched an existing record.
    """

    source_object: str
    source_id: str
    target_id: str
    payload_hash: str
    origin: Origin | None = None


@dataclass(frozen=True)
class Batch:
    """A group of records written to Twenty in one request, with its items in order."""

    id: int
    run_id: int
    phase_id: int | None
    target_object: str
    operation: BatchOperation
    state: BatchState
    attempts: int
    reason: str | None
    created_at: str
    sent_at: str | None
    finished_at: str | None
    items: tuple[BatchItem, ...] = field(default=())


@dataclass(frozen=True)
class WriteStamp:
    """The `updatedAt` and `updatedBy` Twenty returned for a record the migration wrote.

    Twenty sets both on every write, from the caller, so a record whose values differ later
    was changed by someone else. `updated_by` is the actor in a stable text form (see
    `actor_key`).
    """

    updated_at: str | None
    updated_by: str | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> WriteStamp:
        """Read the stamp from a record as Twenty's REST API returns it."""
        updated_at = record.get("updatedAt")
        return cls(
            updated_at=None if updated_at is None else str(updated_at),
            updated_by=actor_key(record.get("updatedBy")),
        )


def actor_key(actor: Any) -> str | None:
    """Return an ACTOR value as sorted JSON of its source, name and member; None if absent.

    The `context` sub-field is left out: it describes the request, not who made it.
    """
    if not isinstance(actor, Mapping):
        return None
    identity = {key: actor.get(key) for key in ("source", "name", "workspaceMemberId")}
    return json.dumps(identity, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class IdMapEntry:
    """A source row bound to a Twenty record."""

    source_object: str
    source_id: str
    target_object: str
    target_id: str
    payload_hash: str
    origin: Origin
    run_id: int
    last_run_id: int
    batch_id: int | None
    recorded_at: str
    updated_at: str
    deleted_at: str | None
    rolled_back_at: str | None
    rolled_back_run_id: int | None
    written_updated_at: str | None = None
    written_by: str | None = None

    @property
    def is_in_twenty(self) -> bool:
        """Whether the migration wrote this record and neither deleted nor rolled it back."""
        return (
            self.origin in (Origin.CREATED, Origin.UPDATED)
            and self.deleted_at is None
            and self.rolled_back_at is None
        )

    @property
    def stamp(self) -> WriteStamp | None:
        """The stamp of the migration's last write of the record, or None if not recorded."""
        if self.written_updated_at is None and self.written_by is None:
            return None
        return WriteStamp(self.written_updated_at, self.written_by)


@dataclass(frozen=True)
class BeforeImage:
    """A pre-existing Twenty record as it was before the migration first changed it."""

    target_object: str
    target_id: str
    run_id: int
    record: dict[str, Any]
    captured_at: str
    restored_at: str | None
    restored_run_id: int | None


@dataclass(frozen=True)
class QuarantineEntry:
    """A source row held back with reasons a person can act on; the row is stored redacted."""

    id: int
    run_id: int
    source_object: str
    source_id: str
    reasons: tuple[str, ...]
    row: dict[str, Any]
    quarantined_at: str
    released_at: str | None
    released_run_id: int | None


@dataclass(frozen=True)
class SchemaChange:
    """One change to Twenty's metadata, kept so rollback can undo it in reverse order."""

    id: int
    run_id: int
    kind: SchemaChangeKind
    object_name: str
    field_name: str | None
    metadata_id: str | None
    details: dict[str, Any]
    created_at: str
    removed_at: str | None
    removed_run_id: int | None

"""The migration journal: the SQLite store that makes loads resumable and rollbacks exact.

Open one per migration project with `Journal.open(path, *, migration_id=None)`; it creates
the file and a migration id, or reads them back, and migrates the schema forward. The
`Journal` records:

- the migration (`migration`, `migration_id`, `record_id(source_object, source_id)`);
- runs (`start_run`, `finish_run`, `run`, `runs`, `last_run`, `unfinished_runs`) and their
  phases (`start_phase`, `finish_phase`, `phases`);
- batches (`add_batch`, `mark_sent`, `mark_confirmed`, `mark_failed`, `batch`, `batches`,
  `unconfirmed_batches`), each journaled before it is sent. A confirmation and its id-map
  rows commit together;
- the id map (`target_id`, `lookup_many`, `id_map_entry`, `entry_for_target`, `id_map_entries`,
  `count_by_object`, `mark_rolled_back`, `record_written`): source row to Twenty record, with
  its origin and the `WriteStamp` (`updatedAt`, `updatedBy`) Twenty returned for the
  migration's last write of it. A batch of a rollback run marks its rows rolled back when
  confirmed;
- before-images (`save_before_image`, where the first write wins, `before_image`,
  `before_images`, `mark_restored`);
- quarantine (`quarantine`, `quarantined`, `quarantine_counts`, `release`), stored redacted;
- schema changes (`record_schema_change`, `schema_changes(reverse=True)`,
  `mark_schema_change_removed`);
- `status()`, a `JournalStatus` with `as_text()`, `as_dict()` and `as_json()`.
"""

from __future__ import annotations

from bt2twenty.journal.idmap import ObjectCount
from bt2twenty.journal.journal import Journal
from bt2twenty.journal.models import (
    Batch,
    BatchItem,
    BatchOperation,
    BatchState,
    BeforeImage,
    IdMapEntry,
    MigrationInfo,
    Origin,
    Phase,
    PhaseCounts,
    QuarantineEntry,
    Run,
    RunKind,
    RunStatus,
    SchemaChange,
    SchemaChangeKind,
    WriteStamp,
    actor_key,
    derive_record_id,
)
from bt2twenty.journal.schema import SCHEMA_VERSION, JournalVersionError
from bt2twenty.journal.status import JournalStatus, ObjectStatus
from bt2twenty.journal.store import JournalError

__all__ = [
    "SCHEMA_VERSION",
    "Batch",
    "BatchItem",
    "BatchOperation",
    "BatchState",
    "BeforeImage",
    "IdMapEntry",
    "Journal",
    "JournalError",
    "JournalStatus",
    "JournalVersionError",
    "MigrationInfo",
    "ObjectCount",
    "ObjectStatus",
    "Origin",
    "Phase",
    "PhaseCounts",
    "QuarantineEntry",
    "Run",
    "RunKind",
    "RunStatus",
    "SchemaChange",
    "SchemaChangeKind",
    "WriteStamp",
    "actor_key",
    "derive_record_id",
]

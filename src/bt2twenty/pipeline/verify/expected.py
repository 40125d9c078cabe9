"""The records the migration meant to write, each rebuilt from the source.

Every source row is built again with the confirmed mapping, the same duplicate policies and
the same id map as the load, so the payload is the one the loader sent. Only rows the journal
records as created or updated by this migration are expected in Twenty. When the rebuilt
payload's hash differs from the journaled one, the source (or the workspace's members)
changed after the load, so the record is marked outdated instead of compared field by field.

The expected payloads go to a temporary SQLite file, so memory stays flat however large the
export is.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bt2twenty.journal import Journal
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.target import TargetSchema
from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.pipeline.phase import build_note_targets, deferred_link_values
from bt2twenty.pipeline.sender import payload_hash
from bt2twenty.transform.dedupe import SourceDuplicates
from bt2twenty.transform.payload import BuiltRecord, RecordBuilder

logger = logging.getLogger(__name__)

_INSERT_BATCH = 500


@dataclass(frozen=True)
class ExpectedRecord:
    """One record Twenty should hold, as the migration meant it."""

    source_object: str
    source_id: str
    target_object: str
    target_id: str
    payload: dict[str, Any]
    outdated: bool = False


@dataclass
class SpotSample:
    """A random sample of one source object's records, for the customer's sign-off sheet."""

    source_object: str
    size: int
    rng: random.Random
    seen: int = 0
    picks: list[tuple[ExpectedRecord, dict[str, str]]] = field(default_factory=list)

    def offer(self, record: ExpectedRecord, row: dict[str, str]) -> None:
        """Keep `record` with the probability that leaves a uniform sample (reservoir sampling)."""
        self.seen += 1
        if len(self.picks) < self.size:
            self.picks.append((record, row))
            return
        slot = self.rng.randrange(self.seen)
        if slot < self.size:
            self.picks[slot] = (record, row)


class ExpectedStore:
    """Expected records keyed by Twenty object and id, in a temporary SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self._connection = sqlite3.connect(path, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode = OFF")
        self._connection.execute("PRAGMA synchronous = OFF")
        self._connection.execute(
            "CREATE TABLE expected (target_object TEXT, target_id TEXT, source_object TEXT, "
            "source_id TEXT, payload TEXT, outdated INTEGER, seen INTEGER DEFAULT 0, "
            "PRIMARY KEY (target_object, target_id))"
        )
        self._pending: list[tuple[str, str, str, str, str, int]] = []

    def add(self, record: ExpectedRecord) -> None:
        self._pending.append(
            (
                record.target_object,
                record.target_id,
                record.source_object,
                record.source_id,
                json.dumps(record.payload, default=str),
                int(record.outdated),
            )
        )
        if len(self._pending) >= _INSERT_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        with self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO expected (target_object, target_id, source_object, "
                "source_id, payload, outdated) VALUES (?, ?, ?, ?, ?, ?)",
                self._pending,
            )
        self._pending.clear()

    def target_objects(self) -> list[str]:
        self.flush()
        rows = self._connection.execute(
            "SELECT DISTINCT target_object FROM expected ORDER BY target_object"
        )
        return [row[0] for row in rows]

    def count(self, target_object: str) -> int:
        self.flush()
        row = self._connection.execute(
            "SELECT COUNT(*) FROM expected WHERE target_object = ?", (target_object,)
        ).fetchone()
        return int(row[0])

    def get(self, target_object: str, target_id: str) -> ExpectedRecord | None:
        row = self._connection.execute(
            "SELECT source_object, source_id, payload, outdated FROM expected "
            "WHERE target_object = ? AND target_id = ?",
            (target_object, target_id),
        ).fetchone()
        if row is None:
            return None
        return ExpectedRecord(
            row[0], row[1], target_object, target_id, json.loads(row[2]), bool(row[3])
        )

    def mark_seen(self, target_object: str, target_ids: Iterable[str]) -> None:
        with self._connection:
            self._connection.executemany(
                "UPDATE expected SET seen = 1 WHERE target_object = ? AND target_id = ?",
                [(target_object, target_id) for target_id in target_ids],
            )

    def unseen(self, target_object: str) -> Iterator[ExpectedRecord]:
        """Yield the expected records of `target_object` that the read-back did not find."""
        rows = self._connection.execute(
            "SELECT source_object, source_id, target_id, outdated FROM expected "
            "WHERE target_object = ? AND seen = 0 ORDER BY source_object, source_id",
            (target_object,),
        ).fetchall()
        for source_object, source_id, target_id, outdated in rows:
            yield ExpectedRecord(
                source_object, source_id, target_object, target_id, {}, bool(outdated)
            )

    def close(self) -> None:
        self._connection.close()
        self.path.unlink(missing_ok=True)


class ExpectationBuilder:
    """Rebuilds the payloads of one source object's rows as the loader built them."""

    def __init__(
        self,
        mapping: Mapping,
        schema: TargetSchema,
        journal: Journal,
        members: MemberDirectory,
        source_object: str,
        *,
        deferred_columns: Iterable[str],
        lookup: Callable[[str, str, str], str | None],
    ) -> None:
        self.mapping = mapping
        self.journal = journal
        self.source_object = source_object
        object_mapping = mapping.objects[source_object]
        self._object_mapping = object_mapping
        self._deferred = list(deferred_columns)
        self._builder = RecordBuilder(
            mapping,
            schema,
            source_object,
            migration_id=journal.migration_id,
            resolve=self._resolve,
            resolve_member=members.resolve,
            describe_member=members.describe,
            lookup=lookup,
        )
        target = schema.objects[object_mapping.target or ""]
        self._duplicates = SourceDuplicates(target.name_singular, mapping.settings)

    def prepare(self, rows: Callable[[], Iterator[dict[str, str]]]) -> None:
        """Give the duplicate policies the first pass they need (shared company domains)."""
        if self._duplicates.needs_scan:
            self._duplicates.scan(self._builder.build(self._as_loaded(row)) for row in rows())

    def expected(self, row: dict[str, str]) -> list[ExpectedRecord]:
        """Return the records this row should have in Twenty: its own and its note targets."""
        outcome = self._duplicates.apply(self._builder.build(self._as_loaded(row)))
        record = outcome.record
        entry = self.journal.id_map_entry(self.source_object, record.source_id)
        if entry is None or not entry.is_in_twenty:
            return []

        payload = dict(record.payload)
        payload.update(
            deferred_link_values(self._object_mapping, self._deferred, row, self._resolve)
        )
        outdated = entry.payload_hash != payload_hash(record.payload)
        expected = [
            ExpectedRecord(
                self.source_object,
                record.source_id,
                entry.target_object,
                entry.target_id,
                payload,
                outdated,
            )
        ]
        expected.extend(self._note_targets(record))
        return expected

    def _as_loaded(self, row: dict[str, str]) -> dict[str, str]:
        """Return the row as the loader built it, with the cycle-breaking columns left empty."""
        if not self._deferred:
            return row
        return {**row, **{column: "" for column in self._deferred}}

    def _note_targets(self, record: BuiltRecord) -> list[ExpectedRecord]:
        targets = build_note_targets(
            self.mapping,
            self.source_object,
            [record],
            resolve=self._resolve,
            migration_id=self.journal.migration_id,
        )
        return [
            expected
            for target in targets
            if (expected := expected_from_journal(self.journal, target)) is not None
        ]

    def _resolve(self, source_object: str, source_id: str) -> str | None:
        if not source_id:
            return None
        return self.journal.target_id(source_object, source_id)


def expected_from_journal(journal: Journal, record: BuiltRecord) -> ExpectedRecord | None:
    """Return the record as expected in Twenty if the journal records it as written, else None."""
    entry = journal.id_map_entry(record.source_object, record.source_id)
    if entry is None or not entry.is_in_twenty:
        return None
    return ExpectedRecord(
        record.source_object,
        record.source_id,
        entry.target_object,
        entry.target_id,
        record.payload,
        entry.payload_hash != payload_hash(record.payload),
    )

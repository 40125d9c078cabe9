"""Read every record of one Twenty object back and check it against what the migration meant.

Objects with a `bluetraitId` field are read with a filter on it, so the pass reads this
migration's records and any other record claiming a Bluetrait id (an extra). Objects without
it (note targets) are read whole. Pages are as large as the server allows, ordered by id, with
an explicit limit and a cursor that must advance (`RecordsApi.iterate`), so the read costs one
request per page under the workspace's rate limit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.journal import Journal
from bt2twenty.mapping.target import TargetObject
from bt2twenty.pipeline.verify.compare import FieldMismatch, compare_record
from bt2twenty.pipeline.verify.expected import ExpectedRecord, ExpectedStore
from bt2twenty.transform.payload import BLUETRAIT_ID_FIELD
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

# Mismatches, missing and extra records kept in memory per object for the summary reports;
# the CSV report lists every one of them.
DETAIL_LIMIT = 200


@dataclass(frozen=True)
class Finding:
    """One thing verification found wrong with one record."""

    kind: str
    target_object: str
    target_id: str
    source_object: str = ""
    source_id: str = ""
    field: str = ""
    expected: str = ""
    stored: str = ""
    reason: str = ""

    def as_json(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class ObjectVerification:
    """The verification of one Twenty object: counts, and the first findings of each kind."""

    target_object: str
    expected: int = 0
    read: int = 0
    verified: int = 0
    mismatched_records: int = 0
    mismatched_fields: int = 0
    missing: int = 0
    extra: int = 0
    outdated: int = 0
    # Records whose source row was deleted in Bluetrait and that a delta left in Twenty.
    kept_after_deletion: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not (self.mismatched_records or self.missing or self.extra or self.outdated)

    def as_json(self) -> dict[str, Any]:
        return {
            "target_object": self.target_object,
            "expected": self.expected,
            "read": self.read,
            "verified": self.verified,
            "mismatched_records": self.mismatched_records,
            "mismatched_fields": self.mismatched_fields,
            "missing": self.missing,
            "extra": self.extra,
            "outdated": self.outdated,
            "kept_after_deletion": self.kept_after_deletion,
            "clean": self.is_clean,
        }


class ObjectReadBack:
    """Reads one target object back from Twenty and records what differs."""

    def __init__(
        self,
        client: TwentyClient,
        journal: Journal,
        store: ExpectedStore,
        target: TargetObject,
        *,
        on_finding: Callable[[Finding], None],
        on_record: Callable[[ExpectedRecord, dict[str, Any]], None] = lambda _e, _s: None,
        on_progress: Callable[[int], None] = lambda _count: None,
        known_deletions: set[tuple[str, str]] | None = None,
    ) -> None:
        self._client = client
        self._journal = journal
        self._store = store
        self._target = target
        self._on_finding = on_finding
        self._on_record = on_record
        self._on_progress = on_progress
        self._known_deletions = known_deletions or set()
        self.result = ObjectVerification(target.name_singular)

    def run(self) -> ObjectVerification:
        """Read every record back, then report the expected records that were not there."""
        name = self._target.name_singular
        self.result.expected = self._store.count(name)
        has_source_id = BLUETRAIT_ID_FIELD in self._target.fields
        condition = f"{BLUETRAIT_ID_FIELD}[is]:NOT_NULL" if has_source_id else None

        seen: list[str] = []
        for stored in self._client.records.iterate(self._target.name_plural, filter=condition):
            self.result.read += 1
            target_id = str(stored.get("id"))
            expected = self._store.get(name, target_id)
            if expected is None:
                if has_source_id:
                    self._extra(stored)
                continue
            seen.append(target_id)
            self._check(expected, stored)
            self._on_record(expected, stored)
            self._on_progress(1)
            if len(seen) >= 500:
                self._store.mark_seen(name, seen)
                seen = []
        self._store.mark_seen(name, seen)

        for missing in self._store.unseen(name):
            self.result.missing += 1
            self._record(
                Finding(
                    "missing",
                    name,
                    missing.target_id,
                    missing.source_object,
                    missing.source_id,
                    reason="the journal lists it as written, but Twenty has no such record",
                )
            )
        return self.result

    def _check(self, expected: ExpectedRecord, stored: dict[str, Any]) -> None:
        if expected.outdated:
            self.result.outdated += 1
            self._record(
                Finding(
                    "outdated",
                    self._target.name_singular,
                    expected.target_id,
                    expected.source_object,
                    expected.source_id,
                    reason="the source row or the workspace members changed after the load",
                )
            )
            return
        mismatches = compare_record(expected.payload, stored, self._target)
        if not mismatches:
            self.result.verified += 1
            return
        self.result.mismatched_records += 1
        self.result.mismatched_fields += len(mismatches)
        for mismatch in mismatches:
            self._record(self._mismatch(expected, mismatch))

    def _mismatch(self, expected: ExpectedRecord, mismatch: FieldMismatch) -> Finding:
        return Finding(
            "mismatch",
            self._target.name_singular,
            expected.target_id,
            expected.source_object,
            expected.source_id,
            field=mismatch.field,
            expected=mismatch.expected,
            stored=mismatch.stored,
        )

    def _extra(self, stored: dict[str, Any]) -> None:
        target_id = str(stored.get("id"))
        entry = self._journal.entry_for_target(self._target.name_singular, target_id)
        if entry is not None and (entry.source_object, entry.source_id) in self._known_deletions:
            self.result.kept_after_deletion += 1
            return
        self.result.extra += 1
        if entry is None:
            reason = "carries a Bluetrait id but this migration did not write it"
        elif entry.rolled_back_at is not None:
            reason = f"rolled back by run {entry.rolled_back_run_id}, but still in Twenty"
        else:
            reason = (
                f"written from {entry.source_object} {entry.source_id}, which the current "
                "export no longer yields as a loaded row"
            )
        self._record(
            Finding(
                "extra",
                self._target.name_singular,
                target_id,
                entry.source_object if entry else "",
                str(stored.get(BLUETRAIT_ID_FIELD) or ""),
                reason=reason,
            )
        )

    def _record(self, finding: Finding) -> None:
        self._on_finding(finding)
        if len(self.result.findings) < DETAIL_LIMIT:
            self.result.findings.append(finding)

"""Reconciliation after each phase: every journaled record of this migration must be in Twenty."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from bt2twenty.errors import FatalError
from bt2twenty.journal import Journal
from bt2twenty.transform.payload import BLUETRAIT_ID_FIELD
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

ID_CHUNK = 50


@dataclass(frozen=True)
class Reconciliation:
    """The records of one target object the journal holds, and how many Twenty has."""

    target_object: str
    expected: int
    in_twenty: int
    missing_ids: tuple[str, ...] = ()

    @property
    def is_clean(self) -> bool:
        return not self.missing_ids


def reconcile_target(
    client: TwentyClient, journal: Journal, *, target_object: str, objects_path: str
) -> Reconciliation:
    """Find the records the journal lists for this migration that Twenty does not have.

    One request counts the target's records that carry a `bluetraitId`; only when that count
    falls short are the journal's ids looked up in chunks to name the missing ones, because
    that costs a request per 50 records under the workspace's rate limit.
    """
    expected_ids = [
        entry.target_id
        for entry in journal.id_map_entries(target_object=target_object)
        if entry.is_in_twenty
    ]
    counted = client.records.count(objects_path, filter=f"{BLUETRAIT_ID_FIELD}[is]:NOT_NULL")
    if counted >= len(expected_ids):
        return Reconciliation(target_object, len(expected_ids), counted)

    found: set[str] = set()
    for start in range(0, len(expected_ids), ID_CHUNK):
        chunk = expected_ids[start : start + ID_CHUNK]
        condition = f"id[in]:{json.dumps(chunk)}"
        found.update(
            str(record["id"])
            for record in client.records.iterate(objects_path, filter=condition, fields=None)
        )
    missing = tuple(target_id for target_id in expected_ids if target_id not in found)
    return Reconciliation(target_object, len(expected_ids), len(found), missing)


def missing_records_error(check: Reconciliation) -> FatalError:
    """Build the error that stops a run when journaled records are not in Twenty."""
    shown = ", ".join(check.missing_ids[:20])
    return FatalError(
        f"{len(check.missing_ids)} {check.target_object} records the journal lists as loaded "
        f"are not in Twenty, even after sending them again: {shown}.",
        hint="Something in the workspace deletes them (a workflow, another user). Stop it, then "
        "run `bt2twenty run` again.",
    )

"""After each phase: does every row add up, and does Twenty hold what the journal says it does?"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from bt2twenty.errors import FatalError
from bt2twenty.journal import Journal, Origin
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
    """Check that every record the journal says this migration wrote exists in Twenty.

    Raises `FatalError` naming the missing ids, because later phases would link to them.
    """
    expected_ids = [
        entry.target_id
        for entry in journal.id_map_entries(target_object=target_object)
        if entry.origin in (Origin.CREATED, Origin.UPDATED) and entry.deleted_at is None
    ]
    found: set[str] = set()
    for start in range(0, len(expected_ids), ID_CHUNK):
        chunk = expected_ids[start : start + ID_CHUNK]
        condition = f"id[in]:{json.dumps(chunk)}"
        found.update(
            str(record["id"])
            for record in client.records.iterate(objects_path, filter=condition, fields=None)
        )
    missing = tuple(target_id for target_id in expected_ids if target_id not in found)
    result = Reconciliation(target_object, len(expected_ids), len(found), missing)
    if missing:
        shown = ", ".join(missing[:20])
        raise FatalError(
            f"{len(missing)} {target_object} records the journal lists as loaded are not in "
            f"Twenty: {shown}.",
            hint="Someone may have deleted them while the migration ran. Run `bt2twenty run` "
            "again to send them again, or `bt2twenty rollback` to start over.",
        )
    return result

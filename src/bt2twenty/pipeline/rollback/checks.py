"""Rollback's record-level checks: was a record edited after the migration, what to write back.

Twenty sets `updatedAt` and `updatedBy` (from the caller) on every write. The journal keeps
what Twenty returned after the migration's last write of each record, so a record whose
`updatedAt` moved on, or whose `updatedBy` names another actor, was changed by someone else.
Journals written before that was kept only let the `updatedBy` check run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bt2twenty.journal import IdMapEntry, actor_key
from bt2twenty.mapping.target import SYSTEM_FIELDS

logger = logging.getLogger(__name__)

# Keys of a before-image that are never written back, because Twenty fills them itself. `createdAt`
# is written back, because the loader sets it from the source on the records it updates.
NOT_RESTORED = SYSTEM_FIELDS


@dataclass(frozen=True)
class EditCheck:
    """The verdict on one record: `reason` names who changed it, and is None when untouched."""

    reason: str | None
    by_actor_only: bool = False

    @property
    def is_edited(self) -> bool:
        return self.reason is not None


def check_edited(
    entry: IdMapEntry, current: Mapping[str, Any], *, our_actor: str | None
) -> EditCheck:
    """Tell whether `current` (the record as Twenty stores it now) changed after our write.

    Without a stamp (an older journal), the record counts as edited when its `updatedBy` is
    not `our_actor`, the actor the migration's writes show; when that actor is unknown too,
    the record is treated as edited, because nothing proves otherwise.
    """
    now_by = actor_key(current.get("updatedBy"))
    stamp = entry.stamp
    if stamp is not None and stamp.updated_at is not None:
        now_at = current.get("updatedAt")
        if not same_instant(now_at, stamp.updated_at):
            return EditCheck(
                f"edited in Twenty by {describe_actor(now_by)} at {now_at}, after the "
                f"migration's last write at {stamp.updated_at}"
            )
        if stamp.updated_by is not None and now_by != stamp.updated_by:
            return EditCheck(f"edited in Twenty by {describe_actor(now_by)}")
        return EditCheck(None)

    expected = stamp.updated_by if stamp is not None and stamp.updated_by else our_actor
    if expected is None:
        return EditCheck(
            "the journal has no record of the migration's write, and no write of the "
            "migration shows its actor, so a later edit cannot be ruled out",
            by_actor_only=True,
        )
    if now_by != expected:
        return EditCheck(f"edited in Twenty by {describe_actor(now_by)}", by_actor_only=True)
    return EditCheck(None, by_actor_only=True)


def same_instant(current: Any, recorded: str) -> bool:
    """Compare two timestamps as instants, so `Z` and `+00:00` spellings agree."""
    if current is None:
        return False
    try:
        return _parse(str(current)) == _parse(recorded)
    except ValueError:
        return str(current) == recorded


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def describe_actor(key: str | None) -> str:
    """Return an actor key as words: `Ava Nguyen (MANUAL)`."""
    if key is None:
        return "an unknown actor"
    actor = json.loads(key)
    name = actor.get("name") or actor.get("workspaceMemberId") or "someone"
    return f"{name} ({actor.get('source') or 'unknown source'})"


def restore_changes(image: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Return the fields to write so `current` gets its before-image values back.

    Only fields that differ are sent. System fields Twenty fills itself are left out, and so
    are fields the workspace no longer has.
    """
    return {
        key: value
        for key, value in image.items()
        if key not in NOT_RESTORED and key in current and current[key] != value
    }

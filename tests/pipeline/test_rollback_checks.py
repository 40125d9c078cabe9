"""Rollback's record checks: later edits, and the fields a before-image writes back."""

from __future__ import annotations

from typing import Any

import pytest

from bt2twenty.journal import IdMapEntry, Origin, actor_key
from bt2twenty.pipeline.rollback.checks import check_edited, restore_changes

KEY = {"source": "API", "name": "Migration key", "workspaceMemberId": None, "context": {}}
AVA = {"source": "MANUAL", "name": "Ava Nguyen", "workspaceMemberId": "m-1", "context": {}}
WRITTEN_AT = "2026-12-01T10:00:00.000Z"


def _entry(*, stamped: bool) -> IdMapEntry:
    return IdMapEntry(
        source_object="companies",
        source_id="105",
        target_object="company",
        target_id="c-105",
        payload_hash="h",
        origin=Origin.CREATED,
        run_id=1,
        last_run_id=1,
        batch_id=1,
        recorded_at=WRITTEN_AT,
        updated_at=WRITTEN_AT,
        deleted_at=None,
        rolled_back_at=None,
        rolled_back_run_id=None,
        written_updated_at=WRITTEN_AT if stamped else None,
        written_by=actor_key(KEY) if stamped else None,
    )


@pytest.mark.parametrize(
    ("stamped", "updated_at", "updated_by", "our_actor", "edited", "by_actor_only"),
    [
        (True, WRITTEN_AT, KEY, None, False, False),
        (True, "2026-12-01T10:00:00+00:00", KEY, None, False, False),
        (True, "2026-12-02T09:00:00.000Z", KEY, None, True, False),
        (True, WRITTEN_AT, AVA, None, True, False),
        (False, "2026-12-02T09:00:00.000Z", KEY, actor_key(KEY), False, True),
        (False, WRITTEN_AT, AVA, actor_key(KEY), True, True),
        (False, WRITTEN_AT, KEY, None, True, True),
    ],
    ids=[
        "untouched",
        "same-instant-other-spelling",
        "updated-at-moved",
        "other-actor",
        "old-journal-our-actor",
        "old-journal-other-actor",
        "old-journal-actor-unknown",
    ],
)
def test_check_edited(
    stamped: bool,
    updated_at: str,
    updated_by: dict[str, Any],
    our_actor: str | None,
    edited: bool,
    by_actor_only: bool,
) -> None:
    current = {"id": "c-105", "updatedAt": updated_at, "updatedBy": updated_by}

    check = check_edited(_entry(stamped=stamped), current, our_actor=our_actor)

    assert check.is_edited is edited
    assert check.by_actor_only is by_actor_only


def test_edit_reason_names_the_member() -> None:
    current = {"updatedAt": "2026-12-02T09:00:00.000Z", "updatedBy": AVA}

    check = check_edited(_entry(stamped=True), current, our_actor=None)

    assert check.reason is not None
    assert check.reason.startswith("edited in Twenty by Ava Nguyen (MANUAL)")


def test_restore_changes_only_differing_fields() -> None:
    image = {
        "id": "p-1",
        "jobTitle": "Before",
        "city": "Sydney",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "droppedField": "x",
    }
    current = {
        "id": "p-1",
        "jobTitle": "After",
        "city": "Sydney",
        "updatedAt": "2026-12-01T00:00:00.000Z",
        "createdAt": "2021-05-26T01:33:00.000Z",
    }

    changes = restore_changes(image, current)

    assert changes == {"jobTitle": "Before", "createdAt": "2025-01-01T00:00:00.000Z"}

"""Find records already in Twenty that hold a unique value a new record would take.

Before a batch goes out, the unique values in it (a person's primary email, a company domain
where the server keeps domains unique) are looked up in Twenty among live and soft-deleted
records: deleted ones still hold their values on many servers, and an upsert would silently
restore and overwrite them. A match that is not the migration's own record
is handed to the mapping's existing-record policy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bt2twenty.transform.payload import BuiltRecord
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

# Values per `in` filter: one lookup covers a whole 60-record batch, and 60 addresses of
# about 40 characters keep the URL near 3 KB, under common 8 KB limits.
LOOKUP_CHUNK = 60


@dataclass(frozen=True)
class UniqueKey:
    """A unique value of a target object: where it sits in a payload and how to filter on it."""

    field: str
    subfield: str

    @property
    def filter_path(self) -> str:
        return f"{self.field}.{self.subfield}"

    def value(self, payload: dict[str, Any]) -> str | None:
        container = payload.get(self.field)
        if not isinstance(container, dict):
            return None
        value = container.get(self.subfield)
        return str(value).casefold() if value else None


# Unique indexes of Twenty's standard objects that a migration can collide with.
UNIQUE_KEYS: dict[str, list[UniqueKey]] = {
    "person": [UniqueKey("emails", "primaryEmail")],
}
V1_UNIQUE_KEYS: dict[str, list[UniqueKey]] = {
    "company": [UniqueKey("domainName", "primaryLinkUrl")],
}


@dataclass(frozen=True)
class ExistingMatch:
    """A record in Twenty that already has a unique value of a record about to be sent."""

    record: BuiltRecord
    existing: dict[str, Any]
    key: UniqueKey
    value: str
    is_deleted: bool

    @property
    def existing_id(self) -> str:
        return str(self.existing["id"])


def unique_keys_for(target_object: str, era: str) -> list[UniqueKey]:
    """Return the unique keys to check for a target object on a server of `era`."""
    keys = list(UNIQUE_KEYS.get(target_object, []))
    if era == "v1":
        keys.extend(V1_UNIQUE_KEYS.get(target_object, []))
    return keys


def find_existing(
    client: TwentyClient,
    objects_path: str,
    records: Sequence[BuiltRecord],
    keys: Sequence[UniqueKey],
) -> list[ExistingMatch]:
    """Return, for each record, the first foreign record in Twenty with its unique value."""
    matches: list[ExistingMatch] = []
    claimed: set[str] = set()
    for key in keys:
        by_value: dict[str, BuiltRecord] = {}
        for record in records:
            value = key.value(record.payload)
            if value is not None and record.source_id not in claimed:
                by_value.setdefault(value, record)
        for found, is_deleted in _lookup(client, objects_path, key, list(by_value)):
            found_value = key.value(found)
            owner = by_value.get(found_value) if found_value else None
            if owner is None or owner.source_id in claimed:
                continue
            if str(found["id"]) == owner.record_id:
                continue
            claimed.add(owner.source_id)
            matches.append(ExistingMatch(owner, found, key, found_value or "", is_deleted))
    return matches


def _lookup(
    client: TwentyClient, objects_path: str, key: UniqueKey, values: list[str]
) -> list[tuple[dict[str, Any], bool]]:
    """Return live and soft-deleted holders of `values`, in one request per chunk.

    Twenty leaves deleted records out of a list unless the filter names `deletedAt`, so the
    filter names it in a condition every record meets.
    """
    found: list[tuple[dict[str, Any], bool]] = []
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        condition = (
            f"and({key.filter_path}[in]:{json.dumps(chunk)},"
            "or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL))"
        )
        for record in client.records.iterate(objects_path, filter=condition):
            found.append((record, record.get("deletedAt") is not None))
    return found

"""Unique indexes: the values a record has in them and Twenty's duplicate-key errors."""

from __future__ import annotations

import hashlib
import json

from bt2twenty.sandbox.errors import SandboxError, bad_request
from bt2twenty.sandbox.schema import (
    UNIQUE_SUBFIELDS,
    FieldMeta,
    JsonObject,
    ObjectMeta,
    composite_kind,
)


def index_key(field: FieldMeta) -> str:
    """Return the key a field's unique index has in the store, e.g. ``emails.primaryEmail``."""
    subfields = UNIQUE_SUBFIELDS.get(composite_kind(field.type) or "")
    if subfields:
        return field.name + "." + "+".join(subfields)
    return field.name


def column_name(field: FieldMeta) -> str:
    """Return the database column of a unique index, e.g. ``emailsPrimaryEmail``."""
    subfields = UNIQUE_SUBFIELDS.get(composite_kind(field.type) or "")
    if subfields:
        return field.name + subfields[0][0].upper() + subfields[0][1:]
    return field.name


def index_name(meta: ObjectMeta, field: FieldMeta) -> str:
    """Return a stable index name shaped like Twenty's ``IDX_UNIQUE_<hash>``."""
    digest = hashlib.sha1(f"{meta.name_singular}.{column_name(field)}".encode()).hexdigest()
    return "IDX_UNIQUE_" + digest[:27]


def unique_value(field: FieldMeta, value: object) -> str | None:
    """Return the text of a value in the field's unique index, or None when empty.

    Empty strings and nulls take no part in uniqueness, so records without a value never
    collide: in Twenty, two people without an email can both exist.
    """
    subfields = UNIQUE_SUBFIELDS.get(composite_kind(field.type) or "")
    if subfields:
        if not isinstance(value, dict):
            return None
        parts = [value.get(sub) for sub in subfields]
        if all(part in (None, "") for part in parts):
            return None
        return json.dumps(parts)
    if value in (None, ""):
        return None
    return json.dumps(value, sort_keys=True)


def unique_entries(meta: ObjectMeta, record: JsonObject) -> list[tuple[FieldMeta, str]]:
    """Return each unique field of `record` with the record's value in its index."""
    entries = []
    for field in meta.unique_fields():
        if field.name not in record:
            continue
        value = unique_value(field, record[field.name])
        if value is not None:
            entries.append((field, value))
    return entries


def duplicate_error(meta: ObjectMeta, field: FieldMeta, era: str) -> SandboxError:
    """Return the 400 Twenty sends when a write breaks a unique index."""
    name = index_name(meta, field)
    if era == "v1":
        return bad_request(f'duplicate key value violates unique constraint "{name}"')
    return bad_request(
        f"A duplicate entry for {column_name(field)} was found. This is not allowed. "
        f'Details: unique constraint "{name}" was violated'
    )


def duplicate_id_error(meta: ObjectMeta, era: str) -> SandboxError:
    """Return the 400 for a create whose `id` is already taken, live or soft-deleted."""
    # NOTE: 1.x REST batch handlers return "Record already exists". The 2.x wording is
    # modelled on its duplicate-entry message for the primary key and is not confirmed.
    if era == "v1":
        return bad_request("Record already exists")
    digest = hashlib.sha1(f"{meta.name_singular}.id".encode()).hexdigest()[:27]
    return bad_request(
        "A duplicate entry for id was found. This is not allowed. "
        f'Details: unique constraint "PK_{digest}" was violated'
    )

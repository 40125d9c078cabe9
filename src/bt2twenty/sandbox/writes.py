"""Record writes: create, upsert, update, soft delete, destroy and restore, with their checks."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from typing import Any

from bt2twenty.sandbox.actors import current_actor
from bt2twenty.sandbox.defaults import default_for, new_record_template
from bt2twenty.sandbox.errors import bad_request, not_found
from bt2twenty.sandbox.schema import JsonObject, ObjectMeta
from bt2twenty.sandbox.uniques import (
    duplicate_error,
    duplicate_id_error,
    unique_entries,
    unique_value,
)
from bt2twenty.sandbox.values import check_value, require_uuid
from bt2twenty.sandbox.workspace import Workspace, utc_now

logger = logging.getLogger(__name__)


class RecordWriter:
    """Apply record writes to the store inside the caller's transaction."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store
        self.era = workspace.era

    # Payload checks

    def check_payload(self, meta: ObjectMeta, payload: Any) -> JsonObject:
        """Return the checked and normalised fields of one write payload."""
        if not isinstance(payload, dict):
            raise bad_request(f"Invalid record {payload!r}: expected a JSON object")
        checked: JsonObject = {}
        join_columns = meta.join_columns()
        for key, value in payload.items():
            field = meta.field_named(key)
            if key in join_columns:
                checked[key] = None if value is None else require_uuid(value)
            elif field is None:
                raise bad_request(f'Object {meta.name_singular} doesn\'t have any "{key}" field.')
            elif field.type == "RELATION":
                checked.update(self._relation_write(meta, key, value))
            elif key == "id":
                if value is not None:
                    checked[key] = require_uuid(value)
            elif value is None and not field.is_nullable and field.default_value is not None:
                checked[key] = default_for(field, utc_now())
            else:
                checked[key] = check_value(meta, field, value, self.era)
        return checked

    def _relation_write(self, meta: ObjectMeta, key: str, value: Any) -> JsonObject:
        field = meta.fields[key]
        if field.relation_type != "MANY_TO_ONE":
            raise bad_request(
                f"One-to-many relation {key} field does not support write operations."
            )
        column = f"{key}Id"
        if value is None:
            return {column: None}
        if isinstance(value, dict) and value.get("disconnect") is True:
            return {column: None}
        connect = value.get("connect") if isinstance(value, dict) else None
        where = connect.get("where") if isinstance(connect, dict) else None
        if not isinstance(where, dict):
            raise bad_request(f'Relation "{key}" requires connect or disconnect operation')
        target = self.workspace.object_by_id(field.target_object_id or "")
        assert target is not None
        return {column: self._connect_target(target, key, where)}

    def _connect_target(self, target: ObjectMeta, key: str, where: JsonObject) -> str:
        if "id" in where:
            target_id = require_uuid(where["id"])
            if self.store.exists(target.name_singular, target_id):
                return target_id
        for field in target.unique_fields():
            if field.name in where:
                value = unique_value(field, check_value(target, field, where[field.name], self.era))
                holders = self.store.holders_of(
                    target.name_singular, field.name, value or "", live_only=True
                )
                if holders:
                    return holders[0]
        raise bad_request(f'Relation "{key}": no {target.name_singular} record matches {where}')

    def check_join_columns(self, meta: ObjectMeta, record: JsonObject) -> None:
        """Reject join columns that point at no record, as a foreign key would."""
        for column, field in meta.join_columns().items():
            target_id = record.get(column)
            if target_id is None:
                continue
            target = self.workspace.object_by_id(field.target_object_id or "")
            if target is None or not self.store.exists(target.name_singular, target_id):
                target_name = target.name_singular if target else "?"
                raise bad_request(
                    f'insert or update on table "{meta.name_singular}" violates foreign key '
                    f'constraint on "{column}": no {target_name} with id {target_id}'
                )

    # Uniqueness

    def check_unique(self, meta: ObjectMeta, record: JsonObject) -> list[tuple[str, str]]:
        """Raise a duplicate error if another record already has a unique value of `record`."""
        live_only = self.workspace.config.partial_unique_indexes
        entries = []
        for field, value in unique_entries(meta, record):
            holders = self.store.holders_of(
                meta.name_singular, field.name, value, live_only=live_only
            )
            if any(holder != record["id"] for holder in holders):
                raise duplicate_error(meta, field, self.era)
            entries.append((field.name, value))
        return entries

    def _store_unique(
        self, meta: ObjectMeta, record: JsonObject, entries: list[tuple[str, str]]
    ) -> None:
        self.store.remove_unique_values(meta.name_singular, record["id"])
        self.store.add_unique_values(
            meta.name_singular, record["id"], entries, record.get("deletedAt") is None
        )

    # Create

    def build_new(self, meta: ObjectMeta, checked: JsonObject) -> JsonObject:
        """Complete a checked payload into a new record: id, defaults, actors, position."""
        now = utc_now()
        record = new_record_template(meta, now)
        for name in meta.required_without_default():
            if checked.get(name) is None:
                raise bad_request(f"Field {name} is not nullable and has no default value.")
        for key, value in checked.items():
            default = record.get(key)
            if isinstance(value, dict) and isinstance(default, dict):
                value = {**default, **value}
            record[key] = value

        record["id"] = checked.get("id") or str(uuid.uuid4())
        record["createdBy"] = self._created_by(checked.get("createdBy"))
        record["updatedBy"] = current_actor()
        record["createdAt"] = checked.get("createdAt") or now
        record["updatedAt"] = checked.get("updatedAt") or now
        self._place(meta, record, checked.get("position"))
        return record

    def _created_by(self, requested: JsonObject | None) -> JsonObject:
        actor = current_actor()
        if not requested:
            return actor
        if requested.get("name"):
            return {**actor, "source": "API", "context": {}, **requested}
        if requested.get("source"):
            actor["source"] = requested["source"]
        return actor

    def _place(self, meta: ObjectMeta, record: JsonObject, position: Any) -> None:
        if position is None:
            record["position"] = self.workspace.next_position(meta.name_singular)
            return
        self.workspace.note_position(meta.name_singular, float(position))
        record["position"] = position

    def insert(self, meta: ObjectMeta, record: JsonObject) -> None:
        """Check and insert a complete new record."""
        self.check_join_columns(meta, record)
        entries = self.check_unique(meta, record)
        try:
            self.store.insert(meta.name_singular, record)
        except sqlite3.IntegrityError:
            raise duplicate_id_error(meta, self.era) from None
        live = record.get("deletedAt") is None
        self.store.add_unique_values(meta.name_singular, record["id"], entries, live)

    def create(self, meta: ObjectMeta, payload: Any, *, upsert: bool) -> JsonObject:
        """Create one record, or with `upsert` update the record it matches."""
        checked = self.check_payload(meta, payload)
        if upsert:
            match = self._upsert_match(meta, checked)
            if match is not None:
                return self._upsert_update(meta, match, checked)
        record = self.build_new(meta, checked)
        self.insert(meta, record)
        return record

    # Upsert

    def _upsert_match(self, meta: ObjectMeta, checked: JsonObject) -> JsonObject | None:
        matches: list[str] = []
        record_id = checked.get("id")
        if record_id is not None and self.store.exists(meta.name_singular, record_id):
            matches.append(record_id)
        for field, value in unique_entries(meta, checked):
            for holder in self.store.holders_of(
                meta.name_singular, field.name, value, live_only=False
            ):
                if holder not in matches:
                    matches.append(holder)
        if len(matches) > 1:
            logger.info("Upsert on %s matched several records: %s", meta.name_singular, matches)
            raise bad_request(
                f"Multiple records found for the same unique values on {meta.name_singular}: "
                f"{', '.join(matches)}. Upsert needs each input record to match at most one "
                "record (UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT)",
                code="UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT",
            )
        if not matches:
            return None
        found = self.store.fetch(meta.name_singular, matches[0])
        return found[0] if found else None

    def _upsert_update(
        self, meta: ObjectMeta, existing: JsonObject, checked: JsonObject
    ) -> JsonObject:
        changes = {key: value for key, value in checked.items() if key not in ("createdBy", "id")}
        changes["deletedAt"] = None
        return self.apply_update(meta, existing, changes)

    # Update, delete, restore

    def apply_update(
        self, meta: ObjectMeta, existing: JsonObject, checked: JsonObject
    ) -> JsonObject:
        """Merge checked changes into a stored record, check it and store it."""
        record = dict(existing)
        for key, value in checked.items():
            if key == "id":
                continue
            if (
                isinstance(value, dict)
                and isinstance(record.get(key), dict)
                and key not in ("createdBy",)
            ):
                record[key] = {**record[key], **value}
            else:
                record[key] = value
        record["updatedBy"] = current_actor()
        record["updatedAt"] = checked.get("updatedAt") or utc_now()
        if "position" in checked and checked["position"] is not None:
            self.workspace.note_position(meta.name_singular, float(checked["position"]))

        self.check_join_columns(meta, record)
        entries = self.check_unique(meta, record)
        self.store.replace(meta.name_singular, record)
        self._store_unique(meta, record, entries)
        return record

    def update(self, meta: ObjectMeta, record_id: str, payload: Any) -> JsonObject:
        """Update one live record by id."""
        checked = self.check_payload(meta, payload)
        existing = self.live_record(meta, record_id)
        return self.apply_update(meta, existing, checked)

    def live_record(self, meta: ObjectMeta, record_id: str) -> JsonObject:
        """Return a record that is not soft-deleted, or raise 404."""
        found = self.store.fetch(meta.name_singular, require_uuid(record_id))
        if found is None or found[1] is not None:
            raise not_found()
        return found[0]

    def soft_delete(self, meta: ObjectMeta, record_id: str) -> JsonObject:
        """Soft-delete a live record: it keeps its unique values unless indexes are partial."""
        record = self.live_record(meta, record_id)
        record["deletedAt"] = utc_now()
        self.store.replace(meta.name_singular, record)
        entries = [(field.name, value) for field, value in unique_entries(meta, record)]
        self._store_unique(meta, record, entries)
        return record

    def destroy(self, meta: ObjectMeta, record_id: str) -> JsonObject:
        """Delete a record for good, live or soft-deleted, and unlink records pointing at it."""
        found = self.store.fetch(meta.name_singular, require_uuid(record_id))
        if found is None:
            raise not_found()
        self.store.destroy(meta.name_singular, record_id)
        self._unlink_referrers(meta, record_id)
        return found[0]

    def _unlink_referrers(self, meta: ObjectMeta, record_id: str) -> None:
        # NOTE: every relation behaves as onDelete SET_NULL here. Twenty may cascade some
        # standard relations (note and task targets, for one); that was not confirmed.
        self.repoint_referrers(meta, record_id, None)

    def repoint_referrers(self, meta: ObjectMeta, record_id: str, new_id: str | None) -> None:
        """Point every join column that refers to `record_id` at `new_id` (None unlinks)."""
        for other in self.workspace.objects.values():
            for column, field in other.join_columns().items():
                if field.target_object_id != meta.id:
                    continue
                for referrer_id in self.store.ids_referencing(
                    other.name_singular, column, record_id
                ):
                    found = self.store.fetch(other.name_singular, referrer_id)
                    if found is not None:
                        self.store.replace(other.name_singular, {**found[0], column: new_id})

    def restore(self, meta: ObjectMeta, record_id: str) -> JsonObject:
        """Clear `deletedAt` of a soft-deleted record, if no live record took its unique values."""
        found = self.store.fetch(meta.name_singular, require_uuid(record_id))
        if found is None:
            raise not_found()
        record = {**found[0], "deletedAt": None}
        entries = self.check_unique(meta, record)
        self.store.replace(meta.name_singular, record)
        self._store_unique(meta, record, entries)
        return record

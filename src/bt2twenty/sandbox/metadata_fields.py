"""Schema changes to fields: create, relate, update, rename, deactivate and delete."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bt2twenty.sandbox.errors import bad_request, not_found
from bt2twenty.sandbox.naming import (
    camel_case,
    check_label,
    check_name,
    check_option_default,
    check_options,
)
from bt2twenty.sandbox.schema import (
    UNIQUE_SUBFIELDS,
    FieldMeta,
    JsonObject,
    ObjectMeta,
    composite_kind,
    field_types,
    metadata_changed,
)
from bt2twenty.sandbox.seed import link_objects
from bt2twenty.sandbox.uniques import unique_value
from bt2twenty.sandbox.values import is_uuid
from bt2twenty.sandbox.workspace import Workspace, utc_now

logger = logging.getLogger(__name__)

_FIELD_KEYS = {
    "type",
    "name",
    "label",
    "description",
    "icon",
    "isNullable",
    "isUnique",
    "defaultValue",
    "options",
    "settings",
    "isLabelSyncedWithName",
    "isActive",
    "objectMetadataId",
    "isRemoteCreation",
    "relationCreationPayload",
    "morphRelationsCreationPayload",
    "isSystem",
}
_UNDEACTIVATABLE = {"id", "createdAt", "updatedAt", "deletedAt"}


def reject_unknown_keys(body: JsonObject, allowed: set[str], subject: str) -> None:
    """Raise a 400 naming the properties of `body` that are not in `allowed`."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise bad_request(f"{subject} has unknown properties: {', '.join(unknown)}")


class FieldEditor:
    """Apply field changes to the workspace inside the caller's transaction."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store

    def create_field(self, body: Any) -> FieldMeta:
        """Create a custom field; a RELATION field also gets its inverse on the target object."""
        if not isinstance(body, dict):
            raise bad_request("Body must be a JSON object describing the field")
        reject_unknown_keys(body, _FIELD_KEYS, "The field")
        object_id = body.get("objectMetadataId")
        meta = self.workspace.object_by_id(str(object_id)) if is_uuid(object_id) else None
        if meta is None:
            raise bad_request(
                f"Object metadata {object_id!r} not found: "
                "pass the id of an existing object as objectMetadataId"
            )
        field_type = body.get("type")
        if field_type not in field_types(self.workspace.era):
            allowed = ", ".join(sorted(field_types(self.workspace.era)))
            raise bad_request(f"Field type {field_type!r} is invalid: use one of {allowed}")
        name = check_name(body.get("name"), "name")
        label = check_label(body.get("label"), "label")
        self._check_field_name_free(meta, name)
        if field_type == "RELATION":
            return self._create_relation(meta, name, label, body)
        if field_type in ("TS_VECTOR", "POSITION"):
            raise bad_request(f"Field type {field_type} cannot be created through the API")

        now = utc_now()
        field = FieldMeta(
            id=str(uuid.uuid4()),
            object_id=meta.id,
            name=name,
            label=label,
            type=field_type,
            is_custom=True,
            is_nullable=body.get("isNullable", True) is not False,
            is_unique=body.get("isUnique") is True,
            description=body.get("description"),
            icon=body.get("icon"),
            settings=body.get("settings"),
            created_at=now,
            updated_at=now,
        )
        self._set_options(field, body)
        if field.is_unique:
            self._check_can_be_unique(meta, field)
        if body.get("isActive") is False:
            field.is_active = False
        self.workspace.save_field(field)
        logger.info("Created field %s.%s (%s)", meta.name_singular, name, field.id)
        return field

    def _set_options(self, field: FieldMeta, body: JsonObject) -> None:
        if field.type in ("SELECT", "MULTI_SELECT"):
            field.options = check_options(body.get("options"), field.type)
            field.default_value = check_option_default(
                body.get("defaultValue"), field.type, field.option_values
            )
        elif field.type == "RATING":
            rating_options = body.get("options") or [
                {"value": f"RATING_{score}", "label": str(score), "position": score - 1}
                for score in range(1, 6)
            ]
            field.options = check_options(rating_options, "RATING")
            field.default_value = check_option_default(
                body.get("defaultValue"), "SELECT", field.option_values
            )
        else:
            if body.get("options") is not None:
                raise bad_request(
                    "Options are only allowed on SELECT, MULTI_SELECT and RATING fields, "
                    f"not {field.type}"
                )
            field.default_value = body.get("defaultValue")

    def _check_field_name_free(self, meta: ObjectMeta, name: str) -> None:
        used_names = (
            set(meta.fields)
            | set(meta.join_columns())
            | {f"{field.name}Id" for field in meta.fields.values() if field.type == "RELATION"}
        )
        if name in used_names:
            raise bad_request(
                f'Name "{name}" is not available: '
                f"object {meta.name_singular} already has a field of that name"
            )

    def _check_can_be_unique(self, meta: ObjectMeta, field: FieldMeta) -> None:
        """Reject a unique index the type cannot have or the data breaks, else index the data."""
        kind = composite_kind(field.type)
        if kind is not None and kind not in UNIQUE_SUBFIELDS:
            raise bad_request(f"Field type {field.type} cannot be unique")
        if field.type in ("MULTI_SELECT", "ARRAY", "RAW_JSON", "FILES", "BOOLEAN"):
            raise bad_request(f"Field type {field.type} cannot be unique")
        seen: set[str] = set()
        for record in self.store.records_of(meta.name_singular):
            value = unique_value(field, record.get(field.name))
            if value is not None and value in seen:
                raise bad_request(
                    f"Cannot make {field.name} unique: existing records share the value {value}"
                )
            if value is not None:
                seen.add(value)
                live = record.get("deletedAt") is None
                self.store.add_unique_values(
                    meta.name_singular, record["id"], [(field.name, value)], live
                )

    def _create_relation(
        self, meta: ObjectMeta, name: str, label: str, body: JsonObject
    ) -> FieldMeta:
        payload = body.get("relationCreationPayload")
        if not isinstance(payload, dict) or payload.get("type") not in (
            "MANY_TO_ONE",
            "ONE_TO_MANY",
        ):
            raise bad_request(
                "Invalid relation creation payload: give type MANY_TO_ONE or ONE_TO_MANY, "
                "targetObjectMetadataId and targetFieldLabel",
                code="FIELD_METADATA_RELATION_MALFORMED",
            )
        target_id = payload.get("targetObjectMetadataId")
        target = self.workspace.object_by_id(str(target_id)) if is_uuid(target_id) else None
        if target is None:
            raise bad_request(
                "Object targeted by field to create not found",
                code="FIELD_METADATA_RELATION_MALFORMED",
            )
        target_label = check_label(payload.get("targetFieldLabel"), "targetFieldLabel")
        target_name = check_name(
            payload.get("targetFieldName") or camel_case(target_label), "targetFieldName"
        )
        self._check_field_name_free(target, target_name)

        now = utc_now()
        if payload["type"] == "MANY_TO_ONE":
            source_field, inverse = link_objects(
                meta, name, label, target, target_name, target_label, now, is_custom=True
            )
        else:
            inverse, source_field = link_objects(
                target, target_name, target_label, meta, name, label, now, is_custom=True
            )
        source_field.id, inverse.id = str(uuid.uuid4()), str(uuid.uuid4())
        source_field.target_field_id, inverse.target_field_id = inverse.id, source_field.id
        source_field.description = body.get("description")
        source_field.icon = body.get("icon")
        inverse.icon = payload.get("targetFieldIcon")
        self.workspace.save_field(source_field)
        self.workspace.save_field(inverse)
        logger.info(
            "Created relation %s.%s <-> %s.%s",
            meta.name_singular,
            name,
            target.name_singular,
            target_name,
        )
        return source_field

    def update_field(self, field: FieldMeta, body: Any) -> FieldMeta:
        """Change label, description, icon, options, default, nullability or `isActive`."""
        if not isinstance(body, dict):
            raise bad_request("Body must be a JSON object with the properties to change")
        reject_unknown_keys(body, _FIELD_KEYS, "The field update")
        if "name" in body and body["name"] != field.name:
            self._rename_field(field, body["name"])
        if "type" in body and body["type"] != field.type:
            raise bad_request(f"Cannot change the type of field {field.name} from {field.type}")

        if "isActive" in body:
            if body["isActive"] is False and field.name in _UNDEACTIVATABLE:
                raise bad_request(f"Field {field.name} cannot be deactivated")
            field.is_active = body["isActive"] is not False

        if "label" in body:
            field.label = check_label(body["label"], "label")
        for key, attribute in (
            ("description", "description"),
            ("icon", "icon"),
            ("settings", "settings"),
        ):
            if key in body:
                setattr(field, attribute, body[key])
        if "isNullable" in body:
            field.is_nullable = body["isNullable"] is not False
        if "isUnique" in body and bool(body["isUnique"]) != field.is_unique:
            self._change_uniqueness(field, body["isUnique"] is True)
        if "options" in body or "defaultValue" in body:
            merged = {"options": field.options, "defaultValue": field.default_value, **body}
            self._set_options(field, merged)

        field.updated_at = utc_now()
        self.workspace.save_field(field)
        return field

    def _rename_field(self, field: FieldMeta, new_name: Any) -> None:
        """Rename a custom field and move its values, join column and unique index with it."""
        meta = self.workspace.objects[field.object_id]
        if not field.is_custom:
            raise bad_request(
                f"Standard field {meta.name_singular}.{field.name} cannot be renamed",
                code="FIELD_MUTATION_NOT_ALLOWED",
            )
        name = check_name(new_name, "name")
        self._check_field_name_free(meta, name)
        old_column, old_name = field.join_column or field.name, field.name
        field.name = name
        new_column = field.join_column or field.name

        for record in list(self.store.records_of(meta.name_singular)):
            if old_column in record:
                record[new_column] = record.pop(old_column)
                self.store.replace(meta.name_singular, record)
        self.store.connection.execute(
            "UPDATE unique_values SET field = ? WHERE object = ? AND field = ?",
            (name, meta.name_singular, old_name),
        )
        self.store.delete_field_metadata(field.id)
        meta.fields.pop(old_name)
        meta.fields[name] = field
        metadata_changed()
        logger.info("Renamed field %s.%s to %s", meta.name_singular, old_name, name)

    def _change_uniqueness(self, field: FieldMeta, unique: bool) -> None:
        meta = self.workspace.objects[field.object_id]
        self.store.connection.execute(
            "DELETE FROM unique_values WHERE object = ? AND field = ?",
            (meta.name_singular, field.name),
        )
        if unique:
            self._check_can_be_unique(meta, field)
        field.is_unique = unique

    def delete_field(self, field: FieldMeta) -> FieldMeta:
        """Delete a custom field and its values; a relation loses both sides."""
        meta = self.workspace.objects[field.object_id]
        if not field.is_custom:
            raise bad_request(
                f"Standard field {meta.name_singular}.{field.name} cannot be deleted: "
                "deactivate it instead",
                code="FIELD_MUTATION_NOT_ALLOWED",
            )
        if field.type == "RELATION":
            inverse = self.workspace.field_by_id(field.target_field_id or "")
            if inverse is not None:
                self.drop_field(self.workspace.objects[inverse.object_id], inverse)
        self.drop_field(meta, field)
        return field

    def drop_field(self, meta: ObjectMeta, field: FieldMeta) -> None:
        """Remove one field's metadata, its values in every record and its unique values."""
        column = field.join_column or field.name
        self.store.connection.execute(
            f"UPDATE records SET data = json_remove(data, '$.{column}') WHERE object = ?",
            (meta.name_singular,),
        )
        self.store.connection.execute(
            "DELETE FROM unique_values WHERE object = ? AND field = ?",
            (meta.name_singular, field.name),
        )
        self.store.delete_field_metadata(field.id)
        meta.fields.pop(field.name, None)
        metadata_changed()
        logger.info("Deleted field %s.%s (%s)", meta.name_singular, field.name, field.id)

    def find_field(self, field_id: str) -> FieldMeta:
        """Return the field with this id, or raise 404."""
        field = self.workspace.field_by_id(field_id) if is_uuid(field_id) else None
        if field is None:
            raise not_found(f"Field {field_id} not found")
        return field

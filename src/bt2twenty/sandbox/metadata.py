"""Schema changes to objects: create, update, deactivate and delete custom objects."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bt2twenty.sandbox.errors import bad_request, not_found
from bt2twenty.sandbox.metadata_fields import FieldEditor, reject_unknown_keys
from bt2twenty.sandbox.naming import (
    check_label,
    check_name,
)
from bt2twenty.sandbox.schema import (
    ObjectMeta,
    metadata_changed,
)
from bt2twenty.sandbox.seed import (
    TARGET_HOLDERS,
    add_field,
    link_as_target,
    new_object,
)
from bt2twenty.sandbox.values import is_uuid
from bt2twenty.sandbox.workspace import utc_now

logger = logging.getLogger(__name__)

_OBJECT_KEYS = {
    "nameSingular",
    "namePlural",
    "labelSingular",
    "labelPlural",
    "description",
    "icon",
    "shortcut",
    "isLabelSyncedWithName",
    "isRemote",
    "primaryKeyColumnType",
    "primaryKeyFieldMetadataSettings",
    "isActive",
}


class SchemaEditor(FieldEditor):
    """Apply object and field changes to the workspace inside the caller's transaction."""

    def create_object(self, body: Any) -> ObjectMeta:
        """Create a custom object with system fields, a `name` field and target links."""
        if not isinstance(body, dict):
            raise bad_request("Body must be a JSON object describing the object")
        reject_unknown_keys(body, _OBJECT_KEYS, "The object")
        singular = check_name(body.get("nameSingular"), "nameSingular")
        plural = check_name(body.get("namePlural"), "namePlural")
        label_singular = check_label(body.get("labelSingular"), "labelSingular")
        label_plural = check_label(body.get("labelPlural"), "labelPlural")
        if singular.lower() == plural.lower():
            raise bad_request("The singular and plural names cannot be the same for an object")
        self._check_object_names_free(singular, plural)

        now = utc_now()
        meta = new_object(
            singular,
            plural,
            label_singular,
            label_plural,
            now,
            is_custom=True,
            object_id=str(uuid.uuid4()),
        )
        for existing in meta.fields.values():
            existing.id = str(uuid.uuid4())
        meta.description = body.get("description")
        meta.icon = body.get("icon")
        add_field(meta, "name", "Name", "TEXT", now, field_id=str(uuid.uuid4()), icon="IconAbc")

        holders = [self.workspace.object_by_singular(name) for name in TARGET_HOLDERS]
        for holder in holders:
            if holder is not None:
                link_as_target(holder, meta, now)
        self._fresh_ids(meta, holders)
        self.workspace.save_object(meta)
        for holder in holders:
            if holder is not None:
                self.workspace.save_object(holder)
        logger.info("Created custom object %s (%s)", singular, meta.id)
        return meta

    def _fresh_ids(self, meta: ObjectMeta, holders: list[ObjectMeta | None]) -> None:
        """Give random ids to the new relation fields, which seed helpers name deterministically."""
        renamed: dict[str, str] = {}
        new_fields = [field for field in meta.fields.values() if field.type == "RELATION"]
        for holder in holders:
            if holder is not None:
                new_fields += [
                    field for field in holder.fields.values() if field.target_object_id == meta.id
                ]
        for field in new_fields:
            renamed[field.id] = str(uuid.uuid4())
        for field in new_fields:
            field.id = renamed[field.id]
            field.target_field_id = renamed.get(field.target_field_id or "", field.target_field_id)

    def _check_object_names_free(
        self, singular: str, plural: str, ignore: ObjectMeta | None = None
    ) -> None:
        for other in self.workspace.objects.values():
            if other is ignore:
                continue
            used_names = {other.name_singular.lower(), other.name_plural.lower()}
            for name in (singular, plural):
                if name.lower() in used_names:
                    raise bad_request(
                        f'Object name "{name}" is not available: '
                        f'object "{other.name_singular}" uses it'
                    )

    def update_object(self, meta: ObjectMeta, body: Any) -> ObjectMeta:
        """Change labels, description, icon or `isActive` of an object."""
        if not isinstance(body, dict):
            raise bad_request("Body must be a JSON object with the properties to change")
        reject_unknown_keys(body, _OBJECT_KEYS, "The object update")
        for key in ("nameSingular", "namePlural"):
            if key in body and body[key] != getattr(
                meta, "name_singular" if key == "nameSingular" else "name_plural"
            ):
                if not meta.is_custom:
                    raise bad_request(f"Cannot rename standard object {meta.name_singular}")
                # TODO: renaming would also rename the records' object key and target fields.
                raise bad_request(
                    "Renaming an object is not supported by the sandbox: "
                    "create a new object instead"
                )
        if "labelSingular" in body:
            meta.label_singular = check_label(body["labelSingular"], "labelSingular")
        if "labelPlural" in body:
            meta.label_plural = check_label(body["labelPlural"], "labelPlural")
        for key, attribute in (("description", "description"), ("icon", "icon")):
            if key in body:
                setattr(meta, attribute, body[key])
        if "isActive" in body:
            if not isinstance(body["isActive"], bool):
                raise bad_request("isActive must be true or false")
            meta.is_active = body["isActive"]
        meta.updated_at = utc_now()
        self.workspace.save_object(meta)
        return meta

    def delete_object(self, meta: ObjectMeta) -> ObjectMeta:
        """Delete a custom object, its records, and every relation field pointing at it."""
        if not meta.is_custom:
            raise bad_request(
                f"Standard object {meta.name_singular} cannot be deleted",
                code="OBJECT_MUTATION_NOT_ALLOWED",
            )
        for other in list(self.workspace.objects.values()):
            for field in list(other.fields.values()):
                if other is not meta and field.target_object_id == meta.id:
                    self.drop_field(other, field)
        self.store.destroy_object(meta.name_singular)
        self.store.delete_object_metadata(meta.id)
        del self.workspace.objects[meta.id]
        metadata_changed()
        logger.info("Deleted custom object %s (%s)", meta.name_singular, meta.id)
        return meta

    # Fields

    def find_object(self, object_id: str) -> ObjectMeta:
        """Return the object with this id, or raise 404."""
        meta = self.workspace.object_by_id(str(object_id)) if is_uuid(object_id) else None
        if meta is None:
            raise not_found(f"Object {object_id} not found")
        return meta

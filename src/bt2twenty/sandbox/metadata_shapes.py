"""JSON shapes of objects and fields as Twenty's metadata REST API returns them."""

from __future__ import annotations

from bt2twenty.sandbox.schema import FieldMeta, JsonObject, ObjectMeta
from bt2twenty.sandbox.workspace import Workspace


def field_json(workspace: Workspace, field: FieldMeta) -> JsonObject:
    """Return a field as the metadata API shows it."""
    document: JsonObject = {
        "id": field.id,
        "type": field.type,
        "name": field.name,
        "label": field.label,
        "description": field.description,
        "icon": field.icon,
        "isCustom": field.is_custom,
        "isActive": field.is_active,
        "isSystem": field.is_system,
        "isNullable": field.is_nullable,
        "isUnique": field.is_unique,
        "defaultValue": field.default_value,
        "options": field.options,
        "settings": field.settings,
        "objectMetadataId": field.object_id,
        "createdAt": field.created_at,
        "updatedAt": field.updated_at,
        "relation": None,
    }
    if field.type == "RELATION":
        document["relation"] = _relation_json(workspace, field)
        document["settings"] = {
            "relationType": field.relation_type,
            **({"joinColumnName": field.join_column} if field.join_column else {}),
        }
    return document


def _relation_json(workspace: Workspace, field: FieldMeta) -> JsonObject:
    source = workspace.object_by_id(field.object_id)
    target = workspace.object_by_id(field.target_object_id or "")
    target_field = workspace.field_by_id(field.target_field_id or "")
    return {
        "type": field.relation_type,
        "sourceObjectMetadata": _object_summary(source),
        "targetObjectMetadata": _object_summary(target),
        "sourceFieldMetadata": {"id": field.id, "name": field.name},
        "targetFieldMetadata": (
            {"id": target_field.id, "name": target_field.name} if target_field else None
        ),
    }


def _object_summary(meta: ObjectMeta | None) -> JsonObject | None:
    if meta is None:
        return None
    return {"id": meta.id, "nameSingular": meta.name_singular, "namePlural": meta.name_plural}


def object_json(workspace: Workspace, meta: ObjectMeta) -> JsonObject:
    """Return an object with its fields as the metadata API shows it."""
    label_field = meta.fields.get("name")
    return {
        "id": meta.id,
        "nameSingular": meta.name_singular,
        "namePlural": meta.name_plural,
        "labelSingular": meta.label_singular,
        "labelPlural": meta.label_plural,
        "description": meta.description,
        "icon": meta.icon,
        "isCustom": meta.is_custom,
        "isRemote": False,
        "isActive": meta.is_active,
        "isSystem": meta.is_system,
        "createdAt": meta.created_at,
        "updatedAt": meta.updated_at,
        "labelIdentifierFieldMetadataId": label_field.id if label_field else None,
        "imageIdentifierFieldMetadataId": None,
        "fields": [field_json(workspace, field) for field in meta.fields.values()],
    }

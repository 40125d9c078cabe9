"""Schema over Twenty's metadata REST API: objects, fields, select options and relations.

The REST body of a create is the flat input object (Twenty wraps it for its GraphQL resolver
itself). Objects are created with the minimal payload first and fields added one by one, so a
failure leaves as little half-made schema as possible.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bt2twenty.twenty.errors import TwentyPagingError, TwentyResponseError
from bt2twenty.twenty.http import TwentyHttp

logger = logging.getLogger(__name__)

Metadata = dict[str, Any]
RelationType = Literal["MANY_TO_ONE", "ONE_TO_MANY"]

METADATA_PAGE_SIZE = 200


@dataclass(frozen=True)
class SelectOption:
    """One option of a SELECT or MULTI_SELECT field: the stored value and what the UI shows."""

    value: str
    label: str
    color: str
    position: int

    def as_payload(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "color": self.color,
            "position": self.position,
        }


@dataclass(frozen=True)
class RelationSpec:
    """The other side of a RELATION field, as Twenty's `relationCreationPayload` needs it."""

    type: RelationType
    target_object_id: str
    target_field_label: str
    target_field_icon: str = "IconLink"

    def as_payload(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "targetObjectMetadataId": self.target_object_id,
            "targetFieldLabel": self.target_field_label,
            "targetFieldIcon": self.target_field_icon,
        }


@dataclass(frozen=True)
class FieldSpec:
    """A field to create on an object, of any Twenty field type."""

    name: str
    label: str
    type: str
    description: str | None = None
    icon: str | None = None
    is_nullable: bool = True
    is_unique: bool = False
    default_value: Any = None
    options: Sequence[SelectOption] = field(default_factory=tuple)
    settings: Mapping[str, Any] | None = None
    relation: RelationSpec | None = None

    def as_payload(self, object_id: str) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "objectMetadataId": object_id,
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "isNullable": self.is_nullable,
        }
        if self.is_unique:
            payload["isUnique"] = True
        optional = {
            "description": self.description,
            "icon": self.icon,
            "defaultValue": self.default_value,
            "settings": dict(self.settings) if self.settings else None,
        }
        payload.update({key: value for key, value in optional.items() if value is not None})
        if self.options:
            payload["options"] = [option.as_payload() for option in self.options]
        if self.relation is not None:
            payload["relationCreationPayload"] = self.relation.as_payload()
        return payload


class MetadataApi:
    """Schema operations on one Twenty workspace."""

    def __init__(self, http: TwentyHttp) -> None:
        self._http = http

    def list_objects(self) -> list[Metadata]:
        """Return every object of the workspace, standard and custom, active or not."""
        return list(self._iterate("objects"))

    def list_fields(self) -> list[Metadata]:
        """Return every field of every object."""
        return list(self._iterate("fields"))

    def find_object(self, name_singular: str) -> Metadata | None:
        """Return the object with this singular name, or None."""
        for item in self.list_objects():
            if item.get("nameSingular") == name_singular:
                return item
        return None

    def get_object(self, object_id: str) -> Metadata:
        """Return one object by id."""
        return _unwrap_item(self._http.request("GET", f"/rest/metadata/objects/{object_id}"))

    def create_object(
        self,
        *,
        name_singular: str,
        name_plural: str,
        label_singular: str,
        label_plural: str,
        description: str | None = None,
        icon: str | None = None,
    ) -> Metadata:
        """Create a custom object with the minimal payload and return it."""
        payload: dict[str, Any] = {
            "nameSingular": name_singular,
            "namePlural": name_plural,
            "labelSingular": label_singular,
            "labelPlural": label_plural,
        }
        if description:
            payload["description"] = description
        if icon:
            payload["icon"] = icon
        created = _unwrap_item(self._http.request("POST", "/rest/metadata/objects", json=payload))
        logger.info("Created object %s (%s)", name_singular, created.get("id"))
        return created

    def create_field(self, object_id: str, spec: FieldSpec) -> Metadata:
        """Create a field on an object; a RELATION creates both sides and the join column."""
        payload = spec.as_payload(object_id)
        created = _unwrap_item(self._http.request("POST", "/rest/metadata/fields", json=payload))
        logger.info("Created field %s (%s) on %s", spec.name, spec.type, object_id)
        return created

    def update_object(self, object_id: str, changes: Mapping[str, Any]) -> Metadata:
        """Change an object's properties (labels, description, icon, isActive)."""
        body = self._http.request(
            "PATCH", f"/rest/metadata/objects/{object_id}", json=dict(changes)
        )
        return _unwrap_item(body)

    def update_field(self, field_id: str, changes: Mapping[str, Any]) -> Metadata:
        """Change a field's properties (label, options, isActive, ...)."""
        body = self._http.request("PATCH", f"/rest/metadata/fields/{field_id}", json=dict(changes))
        return _unwrap_item(body)

    def deactivate_object(self, object_id: str) -> Metadata:
        """Hide an object without deleting its data."""
        return self.update_object(object_id, {"isActive": False})

    def deactivate_field(self, field_id: str) -> Metadata:
        """Hide a field without deleting its data."""
        return self.update_field(field_id, {"isActive": False})

    def delete_object(self, object_id: str) -> None:
        """Delete a custom object and, with it, all of its records."""
        self._http.request("DELETE", f"/rest/metadata/objects/{object_id}")
        logger.info("Deleted object %s", object_id)

    def delete_field(self, field_id: str) -> None:
        """Delete a custom field; it is deactivated first, as older servers require."""
        self.deactivate_field(field_id)
        self._http.request("DELETE", f"/rest/metadata/fields/{field_id}")
        logger.info("Deleted field %s", field_id)

    def _iterate(self, kind: Literal["objects", "fields"]) -> Iterator[Metadata]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            params: dict[str, Any] = {"limit": METADATA_PAGE_SIZE}
            if cursor:
                params["starting_after"] = cursor
            body = self._http.request("GET", f"/rest/metadata/{kind}", params=params)
            items = _unwrap_items(body, kind)
            yield from items

            page_info = body.get("pageInfo") if isinstance(body, dict) else None
            if not isinstance(page_info, dict) or not page_info.get("hasNextPage") or not items:
                return
            cursor = page_info.get("endCursor")
            if cursor is None or cursor in seen:
                raise TwentyPagingError(
                    f"Paging metadata {kind} stopped advancing at cursor {cursor!r}.",
                    hint="Report the Twenty server version: its metadata paging did not advance.",
                )
            seen.add(cursor)


def _unwrap_items(body: Any, kind: str) -> list[Metadata]:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        inner = data.get(kind)
        if isinstance(inner, list):
            return inner
        if isinstance(inner, dict) and isinstance(inner.get("edges"), list):
            return [edge["node"] for edge in inner["edges"]]
    raise TwentyResponseError(
        f"Unexpected metadata response for {kind}: {str(body)[:300]}",
        hint="Check that the URL points at Twenty's metadata REST API.",
    )


def _unwrap_item(body: Any) -> Metadata:
    data = body.get("data") if isinstance(body, dict) else body
    if isinstance(data, dict):
        if "id" in data:
            return data
        values = [value for value in data.values() if isinstance(value, dict)]
        if len(values) == 1 and "id" in values[0]:
            return values[0]
    raise TwentyResponseError(
        f"Unexpected metadata response: {str(body)[:300]}",
        hint="Check that the URL points at Twenty's metadata REST API.",
    )

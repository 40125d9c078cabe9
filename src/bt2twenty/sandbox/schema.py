"""The metadata model: objects, fields, field types and composite value shapes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]

# Bumped on every metadata change, so objects recompute their cached field lists.
_generation = [0]


def metadata_changed() -> None:
    """Invalidate the field lists every `ObjectMeta` caches."""
    _generation[0] += 1


# Namespace for deterministic ids of seeded metadata, so a restart finds the same ids.
METADATA_NAMESPACE = uuid.UUID("7b0e6f5c-3a51-4c3e-9d8e-5e2f4a1b9c11")

SCALAR_TYPES = {
    "TEXT",
    "NUMBER",
    "NUMERIC",
    "BOOLEAN",
    "UUID",
    "DATE",
    "DATE_TIME",
    "SELECT",
    "MULTI_SELECT",
    "RATING",
    "ARRAY",
    "RAW_JSON",
    "POSITION",
    "TS_VECTOR",
    "FILES",
    "RELATION",
}

# Sub-fields of each composite type and the kind of value each one takes.
COMPOSITE_SUBFIELDS: dict[str, dict[str, str]] = {
    "FULL_NAME": {"firstName": "text", "lastName": "text"},
    "EMAILS": {"primaryEmail": "text", "additionalEmails": "list"},
    "LINKS": {"primaryLinkUrl": "text", "primaryLinkLabel": "text", "secondaryLinks": "list"},
    "PHONES": {
        "primaryPhoneNumber": "text",
        "primaryPhoneCountryCode": "text",
        "primaryPhoneCallingCode": "text",
        "additionalPhones": "list",
    },
    "ADDRESS": {
        "addressStreet1": "text",
        "addressStreet2": "text",
        "addressCity": "text",
        "addressPostcode": "text",
        "addressState": "text",
        "addressCountry": "text",
        "addressLat": "number",
        "addressLng": "number",
    },
    "CURRENCY": {"amountMicros": "number", "currencyCode": "text"},
    "ACTOR": {"source": "text", "workspaceMemberId": "uuid", "name": "text", "context": "json"},
    "RICH_TEXT": {"blocknote": "nullable_text", "markdown": "nullable_text"},
}

# Sub-fields that take part in a unique index built on a composite field.
UNIQUE_SUBFIELDS: dict[str, tuple[str, ...]] = {
    "EMAILS": ("primaryEmail",),
    "LINKS": ("primaryLinkUrl",),
    "PHONES": ("primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"),
}

ACTOR_SOURCES = (
    "EMAIL",
    "CALENDAR",
    "WORKFLOW",
    "AGENT",
    "API",
    "IMPORT",
    "MANUAL",
    "SYSTEM",
    "WEBHOOK",
    "APPLICATION",
)


def rich_text_type(era: str) -> str:
    """Return the rich-text type name of an era: ``RICH_TEXT_V2`` in 1.x, ``RICH_TEXT`` in 2.x."""
    return "RICH_TEXT_V2" if era == "v1" else "RICH_TEXT"


def composite_kind(field_type: str) -> str | None:
    """Return the composite shape of a field type, or None for a scalar type."""
    if field_type == "RICH_TEXT_V2":
        return "RICH_TEXT"
    if field_type in COMPOSITE_SUBFIELDS:
        return field_type
    return None


def field_types(era: str) -> set[str]:
    """Return the field type names an era accepts."""
    names = SCALAR_TYPES | set(COMPOSITE_SUBFIELDS) - {"RICH_TEXT"}
    names.add(rich_text_type(era))
    if era == "v1":
        names.discard("FILES")
    return names


def metadata_id(*parts: str) -> str:
    """Return a deterministic UUID for seeded metadata named by `parts`."""
    return str(uuid.uuid5(METADATA_NAMESPACE, "/".join(parts)))


@dataclass
class FieldMeta:
    """One field of an object, as Twenty's metadata API describes it."""

    id: str
    object_id: str
    name: str
    label: str
    type: str
    is_custom: bool = False
    is_system: bool = False
    is_active: bool = True
    is_nullable: bool = True
    is_unique: bool = False
    default_value: Any = None
    options: list[JsonObject] | None = None
    settings: JsonObject | None = None
    description: str | None = None
    icon: str | None = None
    # For RELATION fields: MANY_TO_ONE or ONE_TO_MANY, the target object and the inverse field.
    relation_type: str | None = None
    target_object_id: str | None = None
    target_field_id: str | None = None
    created_at: str = ""
    updated_at: str = ""

    @property
    def join_column(self) -> str | None:
        """The ``<name>Id`` column a MANY_TO_ONE relation writes, or None."""
        if self.type == "RELATION" and self.relation_type == "MANY_TO_ONE":
            return f"{self.name}Id"
        return None

    @property
    def option_values(self) -> list[str]:
        """The values of a SELECT, MULTI_SELECT or RATING field's options."""
        return [str(option["value"]) for option in self.options or []]

    def to_json(self) -> JsonObject:
        """Store the field as a JSON object (the persisted form)."""
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, document: JsonObject) -> FieldMeta:
        """Load a field from its persisted form."""
        return cls(**document)


@dataclass
class ObjectMeta:
    """One object (table) of the workspace with its fields, in creation order."""

    id: str
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    is_custom: bool = False
    is_active: bool = True
    is_system: bool = False
    description: str | None = None
    icon: str | None = None
    created_at: str = ""
    updated_at: str = ""
    fields: dict[str, FieldMeta] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def cached(self, key: str, compute: Any) -> Any:
        """Return `compute()`, computed once per metadata generation and kept under `key`."""
        if self._cache.get("generation") != _generation[0]:
            self._cache.clear()
            self._cache["generation"] = _generation[0]
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def active_fields(self) -> list[FieldMeta]:
        """Return the fields that records can read and write."""
        fields: list[FieldMeta] = self.cached(
            "active", lambda: [meta for meta in self.fields.values() if meta.is_active]
        )
        return fields

    def field_named(self, name: str) -> FieldMeta | None:
        """Return the active field called `name`, or None."""
        meta = self.fields.get(name)
        if meta is None or not meta.is_active:
            return None
        return meta

    def join_columns(self) -> dict[str, FieldMeta]:
        """Map each active MANY_TO_ONE join column (``companyId``) to its relation field."""
        columns: dict[str, FieldMeta] = self.cached("joins", self._compute_join_columns)
        return columns

    def _compute_join_columns(self) -> dict[str, FieldMeta]:
        columns: dict[str, FieldMeta] = {}
        for meta in self.active_fields():
            column = meta.join_column
            if column is not None:
                columns[column] = meta
        return columns

    def unique_fields(self) -> list[FieldMeta]:
        """Return the active fields with a unique index, besides ``id``."""
        fields: list[FieldMeta] = self.cached(
            "unique",
            lambda: [meta for meta in self.active_fields() if meta.is_unique and meta.name != "id"],
        )
        return fields

    def required_without_default(self) -> list[str]:
        """Return active non-nullable fields with no default that the server does not fill."""
        filled = {"id", "createdAt", "updatedAt", "createdBy", "updatedBy"}
        names: list[str] = self.cached(
            "required",
            lambda: [
                meta.name
                for meta in self.active_fields()
                if not meta.is_nullable
                and meta.default_value is None
                and meta.name not in filled
                and meta.type not in ("RELATION", "TS_VECTOR")
            ],
        )
        return names

    def to_json(self) -> JsonObject:
        """Store the object without its fields (fields are stored one by one)."""
        document = dict(self.__dict__)
        document.pop("fields")
        document.pop("_cache")
        return document

    @classmethod
    def from_json(cls, document: JsonObject) -> ObjectMeta:
        """Load an object from its persisted form, with no fields yet."""
        return cls(**document)

"""The Twenty schema a mapping points at: live metadata, or Twenty's standard objects offline."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Field types whose values are objects with sub-fields.
COMPOSITE_TYPES = frozenset(
    {"FULL_NAME", "EMAILS", "PHONES", "LINKS", "ADDRESS", "CURRENCY", "ACTOR", "RICH_TEXT",
     "RICH_TEXT_V2", "FILES"}
)  # fmt: skip
# Fields every object has that the server fills or that a migration never maps.
SYSTEM_FIELDS = frozenset(
    {"id", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position", "searchVector"}
)


@dataclass(frozen=True)
class TargetField:
    """One field of a Twenty object, as far as mapping needs to know it."""

    name: str
    label: str
    type: str
    is_nullable: bool = True
    is_unique: bool = False
    is_custom: bool = False
    options: tuple[str, ...] = ()
    relation_target: str | None = None
    relation_type: str | None = None
    has_default: bool = False

    @property
    def is_writable(self) -> bool:
        """Whether a migration may write it (system fields and one-to-many sides are not)."""
        if self.name in SYSTEM_FIELDS or self.type in {"TS_VECTOR", "POSITION"}:
            return False
        return not (self.type == "RELATION" and self.relation_type == "ONE_TO_MANY")


@dataclass(frozen=True)
class TargetObject:
    """One Twenty object with its fields."""

    name_singular: str
    name_plural: str
    label: str
    fields: Mapping[str, TargetField] = field(default_factory=dict)
    is_custom: bool = False


@dataclass(frozen=True)
class TargetSchema:
    """Every object of a workspace, and where the description came from."""

    objects: Mapping[str, TargetObject]
    origin: str

    def field(self, object_name: str, field_name: str) -> TargetField | None:
        """Return a field of an object, or None if either does not exist."""
        target = self.objects.get(object_name)
        return target.fields.get(field_name) if target else None

    def fingerprint(self) -> str:
        """A hash of every object, field, type and option, for the mapping lock."""
        canonical = {
            name: {
                field_name: [item.type, item.is_nullable, item.is_unique, list(item.options)]
                for field_name, item in sorted(target.fields.items())
            }
            for name, target in sorted(self.objects.items())
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def schema_from_metadata(
    objects: Iterable[Mapping[str, Any]], fields: Iterable[Mapping[str, Any]]
) -> TargetSchema:
    """Build the schema from Twenty's metadata lists (active objects and fields only)."""
    by_id = {item["id"]: item for item in objects if item.get("isActive", True)}
    grouped: dict[str, dict[str, TargetField]] = {object_id: {} for object_id in by_id}
    for item in fields:
        owner = item.get("objectMetadataId")
        if owner not in grouped or not item.get("isActive", True):
            continue
        grouped[owner][item["name"]] = _field_from_metadata(item, by_id)

    schema = {
        item["nameSingular"]: TargetObject(
            name_singular=item["nameSingular"],
            name_plural=item["namePlural"],
            label=item.get("labelSingular") or item["nameSingular"],
            fields=grouped[object_id],
            is_custom=bool(item.get("isCustom")),
        )
        for object_id, item in by_id.items()
    }
    return TargetSchema(objects=schema, origin="live metadata")


def _field_from_metadata(
    item: Mapping[str, Any], objects_by_id: Mapping[str, Mapping[str, Any]]
) -> TargetField:
    relation = item.get("relation") or {}
    target_object = relation.get("targetObjectMetadata") or {}
    target_name = target_object.get("nameSingular")
    if target_name is None and relation.get("targetObjectMetadataId") in objects_by_id:
        target_name = objects_by_id[relation["targetObjectMetadataId"]]["nameSingular"]
    options = tuple(option["value"] for option in item.get("options") or [] if "value" in option)
    return TargetField(
        name=item["name"],
        label=item.get("label") or item["name"],
        type=item["type"],
        is_nullable=bool(item.get("isNullable", True)),
        is_unique=bool(item.get("isUnique", False)),
        is_custom=bool(item.get("isCustom", False)),
        options=options,
        relation_target=target_name,
        relation_type=relation.get("type"),
        has_default=item.get("defaultValue") is not None,
    )


def _fields(*specs: tuple[str, str, str] | TargetField) -> dict[str, TargetField]:
    built = [spec if isinstance(spec, TargetField) else TargetField(*spec) for spec in specs]
    common = [
        TargetField("id", "Id", "UUID", is_nullable=False, is_unique=True),
        TargetField("createdAt", "Creation date", "DATE_TIME", is_nullable=False, has_default=True),
        TargetField("updatedAt", "Last update", "DATE_TIME"),
        TargetField("deletedAt", "Deleted", "DATE_TIME"),
        TargetField("createdBy", "Created by", "ACTOR"),
        TargetField("position", "Position", "POSITION"),
    ]
    return {item.name: item for item in [*common, *built]}


def _relation(name: str, label: str, target: str) -> TargetField:
    return TargetField(name, label, "RELATION", relation_target=target, relation_type="MANY_TO_ONE")


def standard_schema() -> TargetSchema:
    """Twenty's standard objects as current (2.x) servers seed them, for offline proposals."""
    objects = [
        TargetObject("company", "companies", "Company", _fields(
            ("name", "Name", "TEXT"),
            ("domainName", "Domain", "LINKS"),
            ("address", "Address", "ADDRESS"),
            ("employees", "Employees", "NUMBER"),
            ("linkedinLink", "Linkedin", "LINKS"),
            ("annualRecurringRevenue", "ARR", "CURRENCY"),
            ("idealCustomerProfile", "ICP", "BOOLEAN"),
            _relation("accountOwner", "Account Owner", "workspaceMember"),
        )),
        TargetObject("person", "people", "Person", _fields(
            TargetField("name", "Name", "FULL_NAME", is_nullable=False),
            TargetField("emails", "Emails", "EMAILS", is_unique=True),
            ("phones", "Phones", "PHONES"),
            ("jobTitle", "Job Title", "TEXT"),
            ("city", "City", "TEXT"),
            ("linkedinLink", "Linkedin", "LINKS"),
            ("avatarUrl", "Avatar", "TEXT"),
            _relation("company", "Company", "company"),
        )),
        TargetObject("opportunity", "opportunities", "Opportunity", _fields(
            ("name", "Name", "TEXT"),
            ("amount", "Amount", "CURRENCY"),
            ("closeDate", "Close date", "DATE_TIME"),
            TargetField("stage", "Stage", "SELECT",
                        options=("NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER")),
            _relation("company", "Company", "company"),
            _relation("pointOfContact", "Point of Contact", "person"),
            _relation("owner", "Owner", "workspaceMember"),
        )),
        TargetObject("note", "notes", "Note", _fields(
            ("title", "Title", "TEXT"),
            ("bodyV2", "Body", "RICH_TEXT"),
        )),
        TargetObject("noteTarget", "noteTargets", "Note Target", _fields(
            _relation("note", "Note", "note"),
            _relation("targetPerson", "Person", "person"),
            _relation("targetCompany", "Company", "company"),
            _relation("targetOpportunity", "Opportunity", "opportunity"),
        )),
        TargetObject("task", "tasks", "Task", _fields(
            ("title", "Title", "TEXT"),
            ("bodyV2", "Body", "RICH_TEXT"),
            ("dueAt", "Due Date", "DATE_TIME"),
            TargetField("status", "Status", "SELECT", options=("TODO", "IN_PROGRESS", "DONE")),
            _relation("assignee", "Assignee", "workspaceMember"),
        )),
        TargetObject("attachment", "attachments", "Attachment", _fields(
            ("name", "Name", "TEXT"),
            ("file", "File", "FILES"),
            ("fullPath", "Full path", "TEXT"),
            TargetField("fileCategory", "File category", "SELECT", options=(
                "ARCHIVE", "AUDIO", "IMAGE", "PRESENTATION", "SPREADSHEET", "TEXT_DOCUMENT",
                "VIDEO", "OTHER")),
            _relation("targetPerson", "Person", "person"),
            _relation("targetCompany", "Company", "company"),
            _relation("targetNote", "Note", "note"),
            _relation("targetOpportunity", "Opportunity", "opportunity"),
        )),
        TargetObject("workspaceMember", "workspaceMembers", "Workspace Member", _fields(
            ("name", "Name", "FULL_NAME"),
            ("userEmail", "User Email", "TEXT"),
        )),
    ]  # fmt: skip
    return TargetSchema(objects={item.name_singular: item for item in objects}, origin="standard")

"""Check a whole mapping against its source profile and target schema, all problems at once.

`map confirm` refuses to lock a mapping while any problem remains. Each problem names the
object, the column or value map, what is wrong and what to change.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from typing import Any

from bt2twenty.mapping.model import ColumnMapping, Mapping, ObjectMapping
from bt2twenty.mapping.naming import is_valid_name
from bt2twenty.mapping.propose import COMPATIBLE_TYPES
from bt2twenty.mapping.target import COMPOSITE_TYPES, TargetObject, TargetSchema
from bt2twenty.transform.options import OPTION_VALUE_PATTERN

# Transforms the load step can apply.
KNOWN_TRANSFORMS = frozenset(
    {"text", "number", "numeric", "boolean", "date", "date_time", "currency", "emails", "phones",
     "links", "address", "full_name", "select", "multi_select", "rich_text", "raw_json", "array",
     "relation", "member", "lookup", "note_target", "attachment_target", "file_upload",
     "file_category"}
)  # fmt: skip
# Fields every custom object gets from Twenty when it is created.
CUSTOM_OBJECT_FIELDS = frozenset({"name", "createdAt", "id"})
# Targets that are written through other records rather than as fields of the object.
INDIRECT_TARGETS = frozenset({"note_target", "attachment_target"})
# The loader stores an uploaded file in the field of the server's era (`file` in 2.x,
# `fullPath` in 1.x), whichever field the mapping names.
ERA_DEPENDENT_TARGETS = frozenset({"file_upload"})
_CAMEL_NAME = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@dataclass(frozen=True)
class MappingProblem:
    """One reason the mapping cannot be confirmed yet."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def validate_mapping(
    mapping: Mapping, profile: MappingType[str, Any], schema: TargetSchema
) -> list[MappingProblem]:
    """Return every problem that keeps the mapping from being confirmed (empty when none)."""
    problems: list[MappingProblem] = []
    problems.extend(_check_settings(mapping))

    profiled = {item["name"]: item for item in profile.get("objects", [])}
    for name in profiled:
        if name not in mapping.objects:
            problems.append(
                MappingProblem(
                    name,
                    "object is in the source but not in the mapping; add it "
                    "or run `bt2twenty map propose` again",
                )
            )
    for name, object_mapping in mapping.objects.items():
        source_object = profiled.get(name)
        if source_object is None:
            problems.append(MappingProblem(name, "object is not in the source profile; remove it"))
            continue
        if object_mapping.skip:
            continue
        problems.extend(_check_object(name, object_mapping, source_object, mapping, schema))
    return problems


def _check_settings(mapping: Mapping) -> list[MappingProblem]:
    problems = []
    try:
        zoneinfo.ZoneInfo(mapping.settings.tenant_time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(
            MappingProblem(
                "settings.tenant_time_zone",
                f"unknown time zone {mapping.settings.tenant_time_zone!r}; use an IANA name "
                "such as Australia/Sydney",
            )
        )
    if not re.fullmatch(r"[A-Z]{3}", mapping.settings.default_currency):
        problems.append(
            MappingProblem("settings.default_currency", "use an ISO 4217 code such as AUD")
        )
    return problems


def _check_object(
    name: str,
    object_mapping: ObjectMapping,
    source_object: MappingType[str, Any],
    mapping: Mapping,
    schema: TargetSchema,
) -> list[MappingProblem]:
    problems = []
    target_name = object_mapping.target
    target = schema.objects.get(target_name) if target_name else None
    if target_name is None:
        return [MappingProblem(name, "no target object; set target or skip with a reason")]
    if target is None and object_mapping.create is None:
        return [
            MappingProblem(
                name,
                f"target object {target_name!r} does not exist in Twenty; add a create entry "
                "(labels and plural name) so the schema step creates it",
            )
        ]
    if object_mapping.create is not None and not is_valid_name(target_name):
        problems.append(
            MappingProblem(name, f"{target_name!r} is not a name Twenty accepts for an object")
        )

    columns = {column["name"]: column for column in source_object.get("columns", [])}
    for column_name in columns:
        if column_name not in object_mapping.columns:
            problems.append(
                MappingProblem(
                    f"{name}.{column_name}",
                    "column is not in the mapping; map it or skip it with a reason",
                )
            )
    for column_name, entry in object_mapping.columns.items():
        where = f"{name}.{column_name}"
        if column_name not in columns:
            problems.append(MappingProblem(where, "column is not in the source; remove it"))
            continue
        if entry.skip:
            continue
        problems.extend(_check_column(where, entry, columns[column_name], target, mapping))

    for route in object_mapping.routes:
        if route.when.column not in columns:
            problems.append(
                MappingProblem(f"{name}.routes", f"route tests unknown column {route.when.column}")
            )
        if route.target not in schema.objects and route.target != target_name:
            problems.append(
                MappingProblem(f"{name}.routes", f"route target {route.target!r} does not exist")
            )
    problems.extend(_check_required(name, object_mapping, target))
    return problems


def _check_column(
    where: str,
    entry: ColumnMapping,
    column: MappingType[str, Any],
    target: TargetObject | None,
    mapping: Mapping,
) -> list[MappingProblem]:
    problems = []
    if entry.target is None:
        return [MappingProblem(where, "no target field; set target or skip with a reason")]
    if entry.transform not in KNOWN_TRANSFORMS:
        problems.append(
            MappingProblem(
                where,
                f"unknown transform {entry.transform!r}; use one of "
                + ", ".join(sorted(KNOWN_TRANSFORMS)),
            )
        )
    if entry.transform in INDIRECT_TARGETS | ERA_DEPENDENT_TARGETS:
        return problems

    existing = target.fields.get(entry.target) if target else None
    implicit = target is None and entry.target in CUSTOM_OBJECT_FIELDS
    if existing is None and entry.create is None and not implicit:
        problems.append(
            MappingProblem(
                where,
                f"target field {entry.target!r} does not exist; add a create entry "
                "(type and label) or choose an existing field",
            )
        )
    if entry.create is not None and existing is None and not is_valid_name(entry.target):
        problems.append(
            MappingProblem(
                where,
                f"{entry.target!r} is not a field name Twenty accepts (camelCase letters and "
                "digits, at most 63 characters, not reserved)",
            )
        )
    if existing is not None:
        fitting = COMPATIBLE_TYPES.get(str(column.get("type")), ())
        if fitting and existing.type not in fitting and existing.type not in COMPOSITE_TYPES:
            problems.append(
                MappingProblem(
                    where,
                    f"values look like {column.get('type')} but {entry.target} is "
                    f"{existing.type}; choose another field or another transform",
                )
            )
    if entry.transform in {"relation", "member"} and "object" not in entry.params:
        problems.append(
            MappingProblem(where, "a relation needs params.object: the source object it points at")
        )
    elif entry.transform == "relation":
        source_object = str(entry.params["object"])
        pointed = mapping.objects.get(source_object)
        if pointed is None or pointed.skip:
            problems.append(
                MappingProblem(
                    where,
                    f"relation points at {source_object}, which is not migrated; map that "
                    "object or skip this column",
                )
            )
    if entry.transform in {"select", "multi_select"}:
        problems.extend(_check_value_map(where, entry, column, mapping))
    if column.get("dates", {}).get("ambiguous") and "date_order" not in entry.params:
        problems.append(
            MappingProblem(
                where,
                "dates in this column read both day-first and month-first; set "
                "params.date_order to DMY or MDY",
            )
        )
    return problems


def _check_value_map(
    where: str, entry: ColumnMapping, column: MappingType[str, Any], mapping: Mapping
) -> list[MappingProblem]:
    if entry.value_map is None or entry.value_map not in mapping.value_maps:
        return [MappingProblem(where, "a select needs a value_map naming an entry of value_maps")]
    value_map = mapping.value_maps[entry.value_map]
    problems = []
    unmapped = [
        value for value in (column.get("distinct_values") or {}) if value not in value_map.values
    ]
    if unmapped:
        problems.append(
            MappingProblem(
                f"value_maps.{entry.value_map}",
                "source values without an option: " + ", ".join(repr(v) for v in unmapped[:20]),
            )
        )
    for source_value, option in value_map.values.items():
        if option.value is not None and not OPTION_VALUE_PATTERN.match(option.value):
            problems.append(
                MappingProblem(
                    f"value_maps.{entry.value_map}",
                    f"option value {option.value!r} for {source_value!r} is not UPPER_SNAKE_CASE",
                )
            )
    return problems


def _check_required(
    name: str, object_mapping: ObjectMapping, target: TargetObject | None
) -> list[MappingProblem]:
    if target is None:
        return []
    mapped = {entry.target for entry in object_mapping.columns.values() if not entry.skip}
    problems = []
    for field in target.fields.values():
        if (
            field.is_writable
            and not field.is_nullable
            and not field.has_default
            and field.name not in mapped
        ):
            problems.append(
                MappingProblem(
                    name,
                    f"{target.name_singular}.{field.name} is required by Twenty but no column "
                    "maps to it",
                )
            )
    if target.name_singular == "person":
        name_entries = [e for e in object_mapping.columns.values() if e.target == "name"]
        if name_entries and all(entry.transform != "full_name" for entry in name_entries):
            problems.append(
                MappingProblem(
                    name,
                    "person names need the full_name transform, which splits first and last "
                    "name and applies settings.single_name_policy",
                )
            )
    return problems

"""Build the Twenty payload of one source row from the confirmed mapping.

Each mapped column is converted by the converter of its target field's type. Columns that
fill parts of one composite field (the address lines, a primary and an additional phone) are
gathered first and converted together. Relations are resolved through a `Resolver`: a join
column gets the parent's Twenty id, or stays empty with a problem when the parent is not in
the source (an orphan reference). The record's own id is deterministic (`derive_record_id`)
and its `bluetraitId` is the source id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any, Protocol

from bt2twenty.journal.models import derive_record_id
from bt2twenty.mapping.model import ColumnMapping, Mapping, ObjectMapping, Route
from bt2twenty.mapping.target import TargetSchema
from bt2twenty.transform.parameters import (
    ConversionParameters,
    SingleNamePolicy,
)
from bt2twenty.transform.registry import convert_value
from bt2twenty.transform.result import Problem, Severity, flag, reject

logger = logging.getLogger(__name__)

BLUETRAIT_ID_FIELD = "bluetraitId"
# A text field on every target object that keeps source text no field could take (an
# unparseable phone number, a phone extension, an invalid email), one "column: value" a line.
UNPLACED_FIELD = "unplacedValues"
# Transforms that the loader applies itself, through other records, rather than as a field.
DEFERRED_TRANSFORMS = frozenset(
    {"note_target", "attachment_target", "file_upload", "file_category"}
)
_TYPE_FOR_TRANSFORM = {
    "text": "TEXT", "number": "NUMBER", "numeric": "NUMERIC", "boolean": "BOOLEAN",
    "date": "DATE", "date_time": "DATE_TIME", "currency": "CURRENCY", "emails": "EMAILS",
    "phones": "PHONES", "links": "LINKS", "address": "ADDRESS", "full_name": "FULL_NAME",
    "select": "SELECT", "multi_select": "MULTI_SELECT", "rich_text": "RICH_TEXT",
    "raw_json": "RAW_JSON", "array": "ARRAY",
}  # fmt: skip


def shared_targets(mapping: Mapping) -> set[str]:
    """Return the target objects that rows of more than one source object go to."""
    sources: dict[str, set[str]] = {}
    for name, object_mapping in mapping.objects.items():
        if object_mapping.skip:
            continue
        targets = {route.target for route in object_mapping.routes}
        if object_mapping.target is not None:
            targets.add(object_mapping.target)
        for target in targets:
            sources.setdefault(target, set()).add(name)
    return {target for target, names in sources.items() if len(names) > 1}


def bluetrait_id(source_object: str, source_id: str, *, shared: bool) -> str:
    """Return the `bluetraitId` of a record: the source id, prefixed where ids could collide.

    Bluetrait numbers each table on its own, so a ticket note and an article can share an id.
    Where both go to one Twenty object (notes), the unique field reads `articles:601`.
    """
    return f"{source_object}:{source_id}" if shared else source_id


class Resolver(Protocol):
    """Finds the Twenty id of a referenced source record, or None if it is not in the source."""

    def __call__(self, source_object: str, source_id: str) -> str | None: ...


@dataclass(frozen=True)
class BuiltRecord:
    """One source row turned into a Twenty payload, with everything found wrong on the way."""

    source_object: str
    source_id: str
    target_object: str
    record_id: str
    payload: dict[str, Any]
    problems: tuple[Problem, ...] = ()
    deferred: dict[str, str] = field(default_factory=dict)

    @property
    def is_rejected(self) -> bool:
        """Whether a problem sends the row to quarantine instead of Twenty."""
        return any(problem.severity is Severity.REJECT for problem in self.problems)

    @property
    def reasons(self) -> list[str]:
        """The messages of the problems that reject the row."""
        return [p.message for p in self.problems if p.severity is Severity.REJECT]


class RecordBuilder:
    """Turns rows of one source object into payloads, following the confirmed mapping."""

    def __init__(
        self,
        mapping: Mapping,
        schema: TargetSchema,
        source_object: str,
        *,
        migration_id: str,
        resolve: Resolver,
        resolve_member: Callable[[str], str | None] | None = None,
        describe_member: Callable[[str], str] | None = None,
        lookup: Callable[[str, str, str], str | None] | None = None,
        id_column: str = "id",
    ) -> None:
        self._mapping = mapping
        self._schema = schema
        self.source_object = source_object
        self._object: ObjectMapping = mapping.objects[source_object]
        self._migration_id = migration_id
        self._resolve = resolve
        self._resolve_member = resolve_member or (lambda _source_id: None)
        self._describe_member = describe_member or (lambda source_id: f"user {source_id}")
        self._lookup = lookup or (lambda _object, _column, _source_id: None)
        self._id_column = id_column
        self._base_parameters = _base_parameters(mapping)
        self._shared_targets = shared_targets(mapping)

    def build(self, row: MappingType[str, str]) -> BuiltRecord:
        """Build the payload of one row; problems are collected, never raised."""
        source_id = str(row.get(self._id_column, "")).strip()
        target_object = self._route(row)
        problems: list[Problem] = []
        if not source_id:
            problems.append(
                reject("MISSING_ID", f"{self.source_object} row has no {self._id_column}")
            )

        payload: dict[str, Any] = {
            "id": derive_record_id(self._migration_id, self.source_object, source_id),
            BLUETRAIT_ID_FIELD: bluetrait_id(
                self.source_object, source_id, shared=target_object in self._shared_targets
            ),
        }
        deferred: dict[str, str] = {}
        composites: dict[str, dict[str, str]] = {}
        for column, entry in self._object.columns.items():
            if entry.skip or entry.target is None or entry.target == BLUETRAIT_ID_FIELD:
                continue
            raw = row.get(column, "")
            if entry.transform in DEFERRED_TRANSFORMS:
                deferred[column] = raw
            elif entry.part is not None:
                composites.setdefault(entry.target, {})[entry.part] = raw
            else:
                problems.extend(self._convert_into(payload, column, entry, raw, target_object))

        for target_field, parts in composites.items():
            problems.extend(self._convert_composite(payload, target_field, parts, target_object))
        unplaced = [p.message for p in problems if p.code == "VALUE_NOT_PLACED"]
        if unplaced:
            payload[UNPLACED_FIELD] = "\n".join(unplaced)
        return BuiltRecord(
            source_object=self.source_object,
            source_id=source_id,
            target_object=target_object,
            record_id=payload["id"],
            payload=payload,
            problems=tuple(problems),
            deferred=deferred,
        )

    def _route(self, row: MappingType[str, str]) -> str:
        for route in self._object.routes:
            if _matches(route, row):
                return route.target
        assert self._object.target is not None
        return self._object.target

    def _convert_into(
        self,
        payload: dict[str, Any],
        column: str,
        entry: ColumnMapping,
        raw: str,
        target_object: str,
    ) -> list[Problem]:
        assert entry.target is not None
        if entry.transform == "relation":
            return self._relation_into(payload, column, entry, raw)
        if entry.transform == "member":
            return self._member_into(payload, column, entry, raw)
        if entry.transform == "lookup":
            raw = self._looked_up(entry, raw)

        field_type = self._field_type(target_object, entry)
        parameters = self._parameters(column, entry)
        converted = convert_value(field_type, raw, parameters)
        if converted.value is not None:
            payload[entry.target] = converted.value
        problems = list(converted.problems)
        if converted.leftovers:
            problems.append(
                flag(
                    "VALUE_NOT_PLACED",
                    f"{column}: " + "; ".join(converted.leftovers),
                )
            )
        return problems

    def _relation_into(
        self, payload: dict[str, Any], column: str, entry: ColumnMapping, raw: str
    ) -> list[Problem]:
        assert entry.target is not None
        reference = raw.strip()
        if not reference or reference == "0":
            return []
        pointed_object = str(entry.params.get("object", ""))
        target_id = self._resolve(pointed_object, reference)
        if target_id is None:
            # The link stays empty, and the reference is kept in the unplaced values.
            return [
                flag(
                    "ORPHAN_REFERENCE",
                    f"{column} {reference} points at no {pointed_object} row; the link is left "
                    "empty",
                ),
                flag("VALUE_NOT_PLACED", f"{column}: {reference} (no such {pointed_object} row)"),
            ]
        payload[f"{entry.target}Id"] = target_id
        return []

    def _looked_up(self, entry: ColumnMapping, raw: str) -> str:
        """Replace a reference by a value of the referenced row (an agent id by its name)."""
        reference = raw.strip()
        if not reference:
            return ""
        found = self._lookup(
            str(entry.params.get("object", "")), str(entry.params.get("column", "")), reference
        )
        return found if found is not None else reference

    def _member_into(
        self, payload: dict[str, Any], column: str, entry: ColumnMapping, raw: str
    ) -> list[Problem]:
        assert entry.target is not None
        reference = raw.strip()
        if not reference or reference == "0":
            return []
        member_id = self._resolve_member(reference)
        if member_id is None:
            who = self._describe_member(reference)
            return [
                flag(
                    "MEMBER_NOT_FOUND",
                    f"{column} {reference}: no workspace member matches {who}; set "
                    "settings.fallback_owner or invite the user",
                ),
                flag("VALUE_NOT_PLACED", f"{column}: {who} (no workspace member)"),
            ]
        payload[f"{entry.target}Id"] = member_id
        return []

    def _convert_composite(
        self,
        payload: dict[str, Any],
        target_field: str,
        parts: dict[str, str],
        target_object: str,
    ) -> list[Problem]:
        field_type = self._field_type_by_name(target_object, target_field)
        parameters = self._parameters(target_field, None)
        if field_type == "ADDRESS":
            converted = convert_value("ADDRESS", parts, parameters)
            if converted.value is not None:
                payload[target_field] = converted.value
            return list(converted.problems)

        primary = parts.get("primary", "")
        additional = [value for key, value in parts.items() if key != "primary" and value.strip()]
        joined = "\n".join(value for value in [primary, *additional] if value.strip())
        converted = convert_value(field_type, joined, parameters)
        if converted.value is not None:
            payload[target_field] = converted.value
        problems = list(converted.problems)
        if converted.leftovers:
            problems.append(
                flag(
                    "VALUE_NOT_PLACED",
                    f"{target_field}: " + "; ".join(converted.leftovers),
                )
            )
        return problems

    def _field_type(self, target_object: str, entry: ColumnMapping) -> str:
        assert entry.target is not None
        existing = self._schema.field(target_object, entry.target)
        if existing is not None:
            return existing.type
        if entry.create is not None:
            return entry.create.type
        return _TYPE_FOR_TRANSFORM.get(entry.transform, "TEXT")

    def _field_type_by_name(self, target_object: str, target_field: str) -> str:
        existing = self._schema.field(target_object, target_field)
        if existing is not None:
            return existing.type
        for entry in self._object.columns.values():
            if entry.target == target_field:
                return self._field_type(target_object, entry)
        return "TEXT"

    def _parameters(self, column: str, entry: ColumnMapping | None) -> ConversionParameters:
        base = self._base_parameters
        changes: dict[str, Any] = {"field_name": column}
        if entry is not None:
            if entry.value_map and entry.value_map in self._mapping.value_maps:
                values = self._mapping.value_maps[entry.value_map].values
                changes["value_map"] = {
                    source: option.value for source, option in values.items() if option.value
                }
            if entry.params.get("kind") == "domain":
                changes["is_domain"] = True
            order = entry.params.get("date_order")
            if order in ("DMY", "MDY"):
                changes["day_first"] = order == "DMY"
        return ConversionParameters(**{**base.__dict__, **changes})


def _base_parameters(mapping: Mapping) -> ConversionParameters:
    settings = mapping.settings
    return ConversionParameters(
        region=settings.phone_region,
        currency=settings.default_currency,
        time_zone=settings.tenant_time_zone,
        day_first=settings.date_order != "MDY",
        single_name=SingleNamePolicy(settings.single_name_policy),
        repair_text=settings.repair_mojibake,
    )


def _matches(route: Route, row: MappingType[str, str]) -> bool:
    value = str(row.get(route.when.column, "")).strip()
    condition = route.when
    if condition.equals is not None and value != condition.equals:
        return False
    if condition.in_ is not None and value not in condition.in_:
        return False
    return condition.is_empty is None or (value == "") == condition.is_empty

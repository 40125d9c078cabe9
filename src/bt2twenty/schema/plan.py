"""Diff a confirmed mapping against the target schema: the objects, fields and options to create.

Steps come in the order they can be applied: objects first (minimal payload), then scalar and
composite fields, then relations (whose target objects must exist), then options added to
select fields that already exist. Every target object gets a unique `bluetraitId` text field,
the key that lets verification and delta runs find the migration's records, and an
`unplacedValues` text field that keeps source text no field could take, so nothing is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bt2twenty.mapping.model import ColumnMapping, Mapping, ObjectMapping, ValueMap
from bt2twenty.mapping.target import TargetObject, TargetSchema
from bt2twenty.transform.payload import BLUETRAIT_ID_FIELD, UNPLACED_FIELD
from bt2twenty.twenty.metadata import SelectOption

logger = logging.getLogger(__name__)

StepKind = Literal["create_object", "create_field", "create_relation", "add_options"]
_KIND_ORDER = {"create_object": 0, "create_field": 1, "create_relation": 2, "add_options": 3}


@dataclass(frozen=True)
class SchemaStep:
    """One change to make in Twenty's metadata."""

    kind: StepKind
    object_name: str
    field_name: str | None = None
    field_type: str | None = None
    label: str | None = None
    is_unique: bool = False
    options: tuple[SelectOption, ...] = ()
    relation_target: str | None = None
    inverse_label: str | None = None
    object_labels: tuple[str, str] | None = None
    name_plural: str | None = None

    def describe(self) -> str:
        """Return the step as one line a person can read in `schema plan`."""
        if self.kind == "create_object":
            return f"create object {self.object_name} ({self.name_plural})"
        if self.kind == "create_relation":
            return (
                f"create relation {self.object_name}.{self.field_name} → {self.relation_target} "
                f"(inverse '{self.inverse_label}')"
            )
        if self.kind == "add_options":
            values = ", ".join(option.value for option in self.options)
            return f"add options to {self.object_name}.{self.field_name}: {values}"
        unique = ", unique" if self.is_unique else ""
        count = f", {len(self.options)} options" if self.options else ""
        return (
            f"create field {self.object_name}.{self.field_name} ({self.field_type}{unique}{count})"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "object": self.object_name,
            "field": self.field_name,
            "type": self.field_type,
            "label": self.label,
            "unique": self.is_unique,
            "options": [option.value for option in self.options],
            "relation_target": self.relation_target,
            "description": self.describe(),
        }


@dataclass
class SchemaPlan:
    """The ordered steps that bring the target schema to what the mapping needs."""

    steps: list[SchemaStep] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether the target already has everything the mapping needs."""
        return not self.steps

    def render(self) -> str:
        """Return the plan as plain lines, or a sentence saying nothing is needed."""
        if self.is_empty:
            return "The Twenty schema already has every object and field the mapping needs."
        return "\n".join(
            f"{number:3d}. {step.describe()}" for number, step in enumerate(self.steps, 1)
        )

    def as_json(self) -> list[dict[str, Any]]:
        return [step.as_json() for step in self.steps]


def plan_schema(mapping: Mapping, schema: TargetSchema) -> SchemaPlan:
    """Return the steps that create what `mapping` needs and `schema` lacks."""
    steps: list[SchemaStep] = []
    planned_fields: set[tuple[str, str]] = set()
    inverse_labels: dict[str, set[str]] = {}

    for object_mapping in mapping.objects.values():
        if object_mapping.skip or object_mapping.target is None:
            continue
        target = schema.objects.get(object_mapping.target)
        steps.extend(_object_steps(object_mapping, target, planned_fields))
        for entry in object_mapping.columns.values():
            step = _column_step(object_mapping, entry, target, mapping, planned_fields)
            if step is None:
                continue
            if step.kind == "create_relation":
                step = _with_inverse_label(step, mapping, schema, inverse_labels)
            steps.append(step)
        for route in object_mapping.routes:
            routed = schema.objects.get(route.target)
            if (route.target, BLUETRAIT_ID_FIELD) not in planned_fields and not (
                routed and BLUETRAIT_ID_FIELD in routed.fields
            ):
                planned_fields.add((route.target, BLUETRAIT_ID_FIELD))
                steps.append(_bluetrait_id_step(route.target))

    steps.sort(key=lambda step: _KIND_ORDER[step.kind])
    logger.info("Schema plan has %d steps", len(steps))
    return SchemaPlan(steps)


def _object_steps(
    object_mapping: ObjectMapping,
    target: TargetObject | None,
    planned: set[tuple[str, str]],
) -> list[SchemaStep]:
    assert object_mapping.target is not None
    name = object_mapping.target
    steps = []
    if target is None and object_mapping.create is not None and (name, "") not in planned:
        planned.add((name, ""))
        create = object_mapping.create
        steps.append(
            SchemaStep(
                kind="create_object",
                object_name=name,
                object_labels=(create.label_singular, create.label_plural),
                name_plural=create.name_plural,
                label=create.label_singular,
            )
        )
    has_id_field = target is not None and BLUETRAIT_ID_FIELD in target.fields
    if not has_id_field and (name, BLUETRAIT_ID_FIELD) not in planned:
        planned.add((name, BLUETRAIT_ID_FIELD))
        steps.append(_bluetrait_id_step(name))
    has_unplaced = target is not None and UNPLACED_FIELD in target.fields
    if not has_unplaced and (name, UNPLACED_FIELD) not in planned:
        planned.add((name, UNPLACED_FIELD))
        steps.append(
            SchemaStep(
                kind="create_field",
                object_name=name,
                field_name=UNPLACED_FIELD,
                field_type="TEXT",
                label="Unplaced Bluetrait values",
            )
        )
    return steps


def _bluetrait_id_step(object_name: str) -> SchemaStep:
    return SchemaStep(
        kind="create_field",
        object_name=object_name,
        field_name=BLUETRAIT_ID_FIELD,
        field_type="TEXT",
        label="Bluetrait id",
        is_unique=True,
    )


def _column_step(
    object_mapping: ObjectMapping,
    entry: ColumnMapping,
    target: TargetObject | None,
    mapping: Mapping,
    planned: set[tuple[str, str]],
) -> SchemaStep | None:
    assert object_mapping.target is not None
    object_name = object_mapping.target
    if entry.skip or entry.target is None or entry.target == BLUETRAIT_ID_FIELD:
        return None
    existing = target.fields.get(entry.target) if target else None
    value_map = mapping.value_maps.get(entry.value_map) if entry.value_map else None

    if existing is not None:
        missing = _missing_options(value_map, existing.options)
        if not missing or (object_name, entry.target + "#options") in planned:
            return None
        planned.add((object_name, entry.target + "#options"))
        return SchemaStep(
            kind="add_options", object_name=object_name, field_name=entry.target, options=missing
        )
    if entry.create is None or (object_name, entry.target) in planned:
        return None
    planned.add((object_name, entry.target))

    if entry.create.type == "RELATION":
        return SchemaStep(
            kind="create_relation",
            object_name=object_name,
            field_name=entry.target,
            field_type="RELATION",
            label=entry.create.label,
            relation_target=entry.create.relation_target,
        )
    return SchemaStep(
        kind="create_field",
        object_name=object_name,
        field_name=entry.target,
        field_type=entry.create.type,
        label=entry.create.label,
        is_unique=entry.create.unique,
        options=_options(value_map) if entry.create.type in {"SELECT", "MULTI_SELECT"} else (),
    )


def _options(value_map: ValueMap | None) -> tuple[SelectOption, ...]:
    if value_map is None:
        return ()
    options: dict[str, SelectOption] = {}
    for option in value_map.values.values():
        if option.value is None or option.value in options:
            continue
        options[option.value] = SelectOption(
            value=option.value,
            label=option.label or option.value.replace("_", " ").capitalize(),
            color=option.color or "gray",
            position=len(options),
        )
    return tuple(options.values())


def _missing_options(
    value_map: ValueMap | None, existing: tuple[str, ...]
) -> tuple[SelectOption, ...]:
    wanted = _options(value_map)
    missing = [option for option in wanted if option.value not in existing]
    return tuple(
        SelectOption(o.value, o.label, o.color, len(existing) + index)
        for index, o in enumerate(missing)
    )


def _with_inverse_label(
    step: SchemaStep, mapping: Mapping, schema: TargetSchema, used: dict[str, set[str]]
) -> SchemaStep:
    """Give the relation's other side a label unique on its object, e.g. "Tickets"."""
    assert step.relation_target is not None
    source_label = _plural_label(step.object_name, mapping, schema)
    taken = used.setdefault(step.relation_target, set())
    target = schema.objects.get(step.relation_target)
    existing = {name.lower() for name in target.fields} if target else set()

    label = source_label
    if label.lower().replace(" ", "") in existing or label in taken:
        label = f"{source_label} as {step.label}"
    taken.add(label)
    return replace(step, inverse_label=label)


def _plural_label(object_name: str, mapping: Mapping, schema: TargetSchema) -> str:
    for object_mapping in mapping.objects.values():
        if object_mapping.target == object_name and object_mapping.create is not None:
            return object_mapping.create.label_plural
    target = schema.objects.get(object_name)
    return target.label + "s" if target else object_name

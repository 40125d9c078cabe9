"""Apply a schema plan to a Twenty workspace, and remove what a migration created.

Applying is idempotent: each step first checks the live metadata and skips what already
exists, so applying a plan twice changes nothing the second time. A new object is checked to
be queryable before its fields are added; if a step on an object created by this apply fails,
the half-created object is deleted before the error is raised. Every change made is reported to
`on_change` as it happens, so the journal records it even if a later step fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.errors import ConfigError, FatalError
from bt2twenty.schema.plan import SchemaPlan, SchemaStep
from bt2twenty.twenty import TwentyApiError, TwentyClient
from bt2twenty.twenty.metadata import FieldSpec, RelationSpec

logger = logging.getLogger(__name__)

RICH_TEXT_TYPES = frozenset({"RICH_TEXT", "RICH_TEXT_V2"})


@dataclass(frozen=True)
class AppliedChange:
    """A change made in Twenty's metadata, with the id Twenty gave it."""

    kind: str
    object_name: str
    field_name: str | None
    metadata_id: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApplyResult:
    """The outcome of `apply_schema`: the changes made and the steps already in place."""

    applied: list[AppliedChange] = field(default_factory=list)
    already_present: list[SchemaStep] = field(default_factory=list)


class _LiveSchema:
    """The workspace's objects and fields, refreshed as steps change them."""

    def __init__(self, client: TwentyClient) -> None:
        self._client = client
        self.refresh()

    def refresh(self) -> None:
        objects = self._client.metadata.list_objects()
        self.objects = {item["nameSingular"]: item for item in objects}
        self.fields: dict[str, dict[str, dict[str, Any]]] = {}
        by_id = {item["id"]: item["nameSingular"] for item in objects}
        for item in self._client.metadata.list_fields():
            owner = by_id.get(item.get("objectMetadataId"))
            if owner is not None:
                self.fields.setdefault(owner, {})[item["name"]] = item

    def record(self, change: AppliedChange, step: SchemaStep) -> None:
        """Take a change into account without re-reading every field, which costs requests."""
        if change.kind == "create_object":
            self.refresh()
            return
        if change.kind in {"create_field", "create_relation"} and change.field_name is not None:
            self.fields.setdefault(change.object_name, {})[change.field_name] = {
                "id": change.metadata_id,
                "name": change.field_name,
                "type": step.field_type,
                "options": [option.as_payload() for option in step.options],
            }
            return
        self.refresh()

    def object_id(self, name: str) -> str:
        if name not in self.objects:
            raise FatalError(
                f"Object {name!r} does not exist in Twenty.",
                hint="Run `bt2twenty schema plan` to see the steps that create it.",
            )
        return str(self.objects[name]["id"])


def apply_schema(
    client: TwentyClient,
    plan: SchemaPlan,
    *,
    on_change: Callable[[AppliedChange], None] | None = None,
    on_step: Callable[[SchemaStep], None] | None = None,
) -> ApplyResult:
    """Make each step of `plan` in Twenty, skipping steps already in place.

    `on_step` is called after every step, made or skipped, for progress displays.
    """
    live = _LiveSchema(client)
    result = ApplyResult()
    created_objects: dict[str, str] = {}

    for step in plan.steps:
        try:
            change = _apply_step(client, live, step)
        except (TwentyApiError, FatalError) as error:
            _clean_up(client, created_objects, step, error)
            raise
        if on_step is not None:
            on_step(step)
        if change is None:
            result.already_present.append(step)
            continue
        result.applied.append(change)
        if change.kind == "create_object":
            created_objects[change.object_name] = change.metadata_id
        if on_change is not None:
            on_change(change)
        live.record(change, step)
    return result


def _apply_step(client: TwentyClient, live: _LiveSchema, step: SchemaStep) -> AppliedChange | None:
    if step.kind == "create_object":
        return _create_object(client, live, step)
    if step.kind == "add_options":
        return _add_options(client, live, step)
    return _create_field(client, live, step)


def _create_object(
    client: TwentyClient, live: _LiveSchema, step: SchemaStep
) -> AppliedChange | None:
    if step.object_name in live.objects:
        return None
    assert step.object_labels is not None
    assert step.name_plural is not None
    created = client.metadata.create_object(
        name_singular=step.object_name,
        name_plural=step.name_plural,
        label_singular=step.object_labels[0],
        label_plural=step.object_labels[1],
    )
    change = AppliedChange(
        "create_object",
        step.object_name,
        None,
        str(created["id"]),
        {"name_plural": step.name_plural},
    )
    try:
        client.records.list_page(step.name_plural, limit=1)
    except TwentyApiError as error:
        client.metadata.delete_object(change.metadata_id)
        raise FatalError(
            f"Object {step.object_name} was created but cannot be queried ({error.status}); "
            "it was deleted again.",
            hint="Check the Twenty server's logs, then run `bt2twenty schema apply` again.",
        ) from error
    logger.info("Created object %s", step.object_name)
    return change


def _create_field(
    client: TwentyClient, live: _LiveSchema, step: SchemaStep
) -> AppliedChange | None:
    assert step.field_name is not None
    assert step.field_type is not None
    existing = live.fields.get(step.object_name, {}).get(step.field_name)
    if existing is not None:
        if existing.get("type") != step.field_type:
            raise ConfigError(
                f"{step.object_name}.{step.field_name} exists in Twenty as {existing.get('type')}, "
                f"but the mapping needs {step.field_type}.",
                hint="Map the column to another field name in mapping.yaml, then confirm again.",
            )
        return None

    relation = None
    if step.kind == "create_relation":
        assert step.relation_target is not None
        relation = RelationSpec(
            type="MANY_TO_ONE",
            target_object_id=live.object_id(step.relation_target),
            target_field_label=step.inverse_label or step.object_name,
        )
    field_type = step.field_type
    if field_type in RICH_TEXT_TYPES:
        # The mapping names rich text either way; Twenty 1.x calls it RICH_TEXT_V2, 2.x RICH_TEXT.
        field_type = client.profile.rich_text_type
    spec = FieldSpec(
        name=step.field_name,
        label=step.label or step.field_name,
        type=field_type,
        is_unique=step.is_unique,
        options=step.options,
        relation=relation,
    )
    created = client.metadata.create_field(live.object_id(step.object_name), spec)
    return AppliedChange(
        step.kind,
        step.object_name,
        step.field_name,
        str(created["id"]),
        {"type": step.field_type, "relation_target": step.relation_target},
    )


def _add_options(client: TwentyClient, live: _LiveSchema, step: SchemaStep) -> AppliedChange | None:
    assert step.field_name is not None
    existing = live.fields.get(step.object_name, {}).get(step.field_name)
    if existing is None:
        raise FatalError(f"Field {step.object_name}.{step.field_name} disappeared during apply.")
    current = list(existing.get("options") or [])
    present = {option.get("value") for option in current}
    missing = [option for option in step.options if option.value not in present]
    if not missing:
        return None
    start = len(current)
    added = [
        {**option.as_payload(), "position": start + index} for index, option in enumerate(missing)
    ]
    client.metadata.update_field(existing["id"], {"options": [*current, *added]})
    return AppliedChange(
        "add_options",
        step.object_name,
        step.field_name,
        str(existing["id"]),
        {"values": [option.value for option in missing]},
    )


def _clean_up(
    client: TwentyClient, created_objects: dict[str, str], step: SchemaStep, error: Exception
) -> None:
    object_id = created_objects.get(step.object_name)
    if object_id is None:
        return
    logger.error(
        "Step %r failed (%s); deleting the half-created object %s",
        step.describe(),
        error,
        step.object_name,
    )
    try:
        client.metadata.delete_object(object_id)
    except TwentyApiError:
        logger.exception("Could not delete half-created object %s", step.object_name)


def remove_schema(
    client: TwentyClient,
    changes: Iterable[AppliedChange],
    *,
    on_removed: Callable[[AppliedChange], None] | None = None,
) -> list[AppliedChange]:
    """Undo schema changes in reverse order: added options, then fields, then objects.

    Only what the migration created is touched, so standard fields are never removed.
    Fields of an object that is itself removed go with it.
    """
    ordered = list(changes)[::-1]
    removed_objects = {change.object_name for change in ordered if change.kind == "create_object"}
    removed: list[AppliedChange] = []
    live = _LiveSchema(client)
    for change in ordered:
        if (
            change.kind in {"create_field", "create_relation"}
            and change.object_name in removed_objects
        ):
            removed.append(change)
        elif change.kind in {"create_field", "create_relation"}:
            _remove_field(client, change)
            removed.append(change)
        elif change.kind == "create_object":
            _remove_object(client, change)
            removed.append(change)
        elif change.kind == "add_options":
            _remove_options(client, live, change)
            removed.append(change)
        if on_removed is not None and removed and removed[-1] is change:
            on_removed(change)
    return removed


def _remove_field(client: TwentyClient, change: AppliedChange) -> None:
    try:
        client.metadata.delete_field(change.metadata_id)
    except TwentyApiError as error:
        if error.status != 404:
            raise
        logger.info("Field %s.%s was already gone", change.object_name, change.field_name)


def _remove_object(client: TwentyClient, change: AppliedChange) -> None:
    try:
        client.metadata.delete_object(change.metadata_id)
    except TwentyApiError as error:
        if error.status != 404:
            raise
        logger.info("Object %s was already gone", change.object_name)


def _remove_options(client: TwentyClient, live: _LiveSchema, change: AppliedChange) -> None:
    existing = live.fields.get(change.object_name, {}).get(change.field_name or "")
    if existing is None:
        return
    added = set(change.details.get("values", []))
    kept = [option for option in existing.get("options") or [] if option.get("value") not in added]
    client.metadata.update_field(existing["id"], {"options": kept})

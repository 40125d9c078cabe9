"""Rollback of the schema: remove the custom objects and fields the migration created.

Only changes recorded in the journal are undone, newest first. A change is kept when the migration
still has records in its object (records left alone, or records of runs outside `--run`),
because removing it would take their values with it; and a field Twenty lists as standard is
never removed, whatever the journal says.
"""

from __future__ import annotations

import logging

from bt2twenty.journal import Journal, SchemaChange, SchemaChangeKind
from bt2twenty.pipeline.rollback.report import SchemaOutcome
from bt2twenty.schema.apply import AppliedChange, remove_schema
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)


def remove_created_schema(
    client: TwentyClient, journal: Journal, *, only_run: int | None, run_id: int | None
) -> list[SchemaOutcome]:
    """Remove what the journal records the schema stage created; `run_id` None only reports.

    Each change is marked removed in the journal as soon as it is gone, so a killed
    rollback resumes with the changes still left.
    """
    changes = [
        change
        for change in journal.schema_changes(reverse=True)
        if only_run is None or change.run_id == only_run
    ]
    occupied = _objects_with_records(journal)
    standard = _standard_fields(client)
    outcomes: list[SchemaOutcome] = []
    removable: list[tuple[SchemaChange, AppliedChange]] = []
    for change in changes:
        label = _label(change)
        if change.object_name in occupied:
            reason = f"{occupied[change.object_name]} records of the migration remain in it"
            outcomes.append(SchemaOutcome(label, removed=False, reason=reason))
        elif (
            change.kind is SchemaChangeKind.CREATE_FIELD
            and (change.object_name, change.field_name) in standard
        ):
            outcomes.append(SchemaOutcome(label, removed=False, reason="a standard field"))
        else:
            removable.append((change, _applied(change)))
            outcomes.append(SchemaOutcome(label, removed=True))
    if run_id is None or not removable:
        return outcomes

    ids = {id(applied): change.id for change, applied in removable}

    def mark(applied: AppliedChange) -> None:
        journal.mark_schema_change_removed(ids[id(applied)], run_id=run_id)

    # `remove_schema` takes changes in the order they were made and undoes them newest first.
    remove_schema(client, [applied for _, applied in reversed(removable)], on_removed=mark)
    return outcomes


def _objects_with_records(journal: Journal) -> dict[str, int]:
    occupied: dict[str, int] = {}
    for count in journal.count_by_object():
        records = count.created + count.updated + count.deleted
        if records:
            occupied[count.target_object] = occupied.get(count.target_object, 0) + records
    return occupied


def _standard_fields(client: TwentyClient) -> set[tuple[str, str | None]]:
    names = {item["id"]: item["nameSingular"] for item in client.metadata.list_objects()}
    return {
        (names.get(item.get("objectMetadataId"), ""), item.get("name"))
        for item in client.metadata.list_fields()
        if item.get("isCustom") is False
    }


def _applied(change: SchemaChange) -> AppliedChange:
    step = str(change.details.get("step") or change.kind.value)
    return AppliedChange(
        kind=step,
        object_name=change.object_name,
        field_name=change.field_name,
        metadata_id=change.metadata_id or "",
        details=dict(change.details),
    )


def _label(change: SchemaChange) -> str:
    if change.kind is SchemaChangeKind.CREATE_OBJECT:
        return f"object {change.object_name}"
    if change.kind is SchemaChangeKind.ADD_OPTIONS:
        return f"options added to {change.object_name}.{change.field_name}"
    return f"field {change.object_name}.{change.field_name}"

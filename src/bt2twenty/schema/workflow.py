"""The schema stage as library functions: plan against the live workspace, apply and journal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bt2twenty.journal import Journal, RunKind, RunStatus, SchemaChangeKind
from bt2twenty.mapping.target import schema_from_metadata
from bt2twenty.mapping.workflow import check_confirmed
from bt2twenty.pipeline.load import journal_path
from bt2twenty.schema.apply import AppliedChange, ApplyResult, apply_schema
from bt2twenty.schema.plan import SchemaPlan, SchemaStep, plan_schema
from bt2twenty.settings import Settings
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

_JOURNAL_KINDS = {
    "create_object": SchemaChangeKind.CREATE_OBJECT,
    "create_field": SchemaChangeKind.CREATE_FIELD,
    "create_relation": SchemaChangeKind.CREATE_FIELD,
    "add_options": SchemaChangeKind.ADD_OPTIONS,
}


@dataclass(frozen=True)
class SchemaApplyOutcome:
    """The result of `apply`: what changed, and the journal run that recorded it."""

    result: ApplyResult
    run_id: int


def plan(settings: Settings) -> SchemaPlan:
    """Return what `apply` would create for the confirmed mapping; nothing is written."""
    with TwentyClient.from_settings(settings) as client:
        live = schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())
        mapping, _lock = check_confirmed(settings, schema=live)
        return plan_schema(mapping, live)


def apply(
    settings: Settings,
    *,
    on_plan: Callable[[SchemaPlan], Callable[[SchemaStep], None]] | None = None,
) -> SchemaApplyOutcome:
    """Create what the confirmed mapping needs; every change is journaled as it is made.

    `on_plan`, given the plan before anything is made, returns the callback that follows
    each step (the CLI's progress bar).
    """
    with TwentyClient.from_settings(settings) as client:
        live = schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())
        mapping, _lock = check_confirmed(settings, schema=live)
        schema_plan = plan_schema(mapping, live)

        journal = Journal.open(journal_path(settings))
        try:
            run = journal.start_run(RunKind.SCHEMA, options={"steps": len(schema_plan.steps)})

            def record(change: AppliedChange) -> None:
                journal.record_schema_change(
                    run.id,
                    kind=_JOURNAL_KINDS[change.kind],
                    object_name=change.object_name,
                    field_name=change.field_name,
                    metadata_id=change.metadata_id,
                    details={**change.details, "step": change.kind},
                )

            try:
                on_step = on_plan(schema_plan) if on_plan is not None else None
                result = apply_schema(client, schema_plan, on_change=record, on_step=on_step)
            except Exception as error:
                journal.finish_run(run.id, status=RunStatus.FAILED, error=str(error)[:2000])
                raise
            journal.finish_run(
                run.id,
                status=RunStatus.COMPLETED,
                summary={"applied": len(result.applied), "present": len(result.already_present)},
            )
            return SchemaApplyOutcome(result=result, run_id=run.id)
        finally:
            journal.close()

"""``bt2twenty schema``: show and create the Twenty objects and fields the mapping needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.schema.plan import SchemaPlan, SchemaStep
from bt2twenty.schema.workflow import apply, plan
from bt2twenty.settings import load_settings

schema_app = typer.Typer(
    help="Plan and apply the Twenty schema the confirmed mapping needs.\n\n"
    "Example: bt2twenty schema plan --project ./acme --twenty-url https://crm.example.com"
)

ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Folder of the migration project.")
]
TwentyUrlOption = Annotated[
    str | None, typer.Option("--twenty-url", help="Twenty workspace URL (key: TWENTY_API_KEY).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@schema_app.command("plan")
def plan_command(
    project: ProjectOption = Path("."),
    twenty_url: TwentyUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the objects, fields, options and relations `schema apply` would create.

    Example: bt2twenty schema plan --project ./acme --twenty-url https://crm.example.com
    """
    settings = load_settings(project, twenty_url=twenty_url)
    schema_plan = plan(settings)
    if as_json:
        output.print_json(schema_plan.as_json())
        return
    if not schema_plan.is_empty:
        output.info(f"`schema apply` would make these {len(schema_plan.steps)} changes:")
    output.info(schema_plan.render())
    if not schema_plan.is_empty:
        output.info(f"Next: {output.command('schema apply', project, settings.twenty_url)}.")


@schema_app.command("apply")
def apply_command(project: ProjectOption = Path("."), twenty_url: TwentyUrlOption = None) -> None:
    """Create what the confirmed mapping needs in Twenty; applying again changes nothing.

    Example: bt2twenty schema apply --project ./acme --twenty-url https://crm.example.com
    """
    with output.progress() as bar:

        def on_plan(schema_plan: SchemaPlan) -> Callable[[SchemaStep], None]:
            task = bar.add_task("Applying the schema", total=len(schema_plan.steps))
            return lambda _step: bar.advance(task)

        settings = load_settings(project, twenty_url=twenty_url)
        outcome = apply(settings, on_plan=on_plan)
    applied = outcome.result.applied
    output.success(
        f"Schema applied: {len(applied)} changes, {len(outcome.result.already_present)} already "
        f"in place (journal run {outcome.run_id}). Next: "
        f"{output.command('run', project, settings.twenty_url, '--sample', '10')}, then check "
        "those records in Twenty."
    )


def register(app: typer.Typer) -> None:
    """Add the ``schema`` commands to the main application."""
    app.add_typer(schema_app, name="schema")

"""``bt2twenty rollback``: undo what the journal records the migration did in Twenty."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.cli.run_commands import ProjectOption, TwentyUrlOption, stop_handler
from bt2twenty.pipeline.rollback import RollbackResult, roll_back
from bt2twenty.settings import load_settings

logger = logging.getLogger(__name__)


def rollback_command(
    project: ProjectOption = Path("."),
    twenty_url: TwentyUrlOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would happen; change nothing.")
    ] = False,
    run: Annotated[
        int | None,
        typer.Option("--run", min=1, help="Undo only the records first written by this run."),
    ] = None,
    schema: Annotated[
        bool,
        typer.Option("--schema", help="Also remove the custom objects and fields it created."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Undo records edited in Twenty since, too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Undo the migration: destroy the records it created, restore those it updated.

    Records edited in Twenty after the migration wrote them are left alone and listed,
    unless --force. Run it again to finish a rollback that was stopped. Exit code 0: all
    undone; 1: some records were left alone; 2: errors.

    Example: bt2twenty rollback --project ./acme --twenty-url https://crm.example.com --dry-run
    """
    settings = load_settings(project, twenty_url=twenty_url)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, stop_handler(stop))
    try:
        with output.progress() as bar:
            on_object = output.phase_bars(bar)
            result = roll_back(
                settings,
                only_run=run,
                dry_run=dry_run,
                force=force,
                schema=schema,
                on_object=on_object,
                stop=stop,
            )
    finally:
        signal.signal(signal.SIGINT, previous)

    if as_json:
        output.print_json(result.as_json())
    else:
        _print_summary(result, project)
    if result.interrupted:
        output.error(f"Interrupted; run `bt2twenty rollback --project {project}` again to finish.")
        raise typer.Exit(130)
    raise typer.Exit(result.exit_code)


def _print_summary(result: RollbackResult, project: Path) -> None:
    for line in result.lines():
        output.info(line)
    for item in result.left_alone[:20]:
        output.warn(f"left alone: {item.target_object} {item.target_id}: {item.reason}")
    if len(result.left_alone) > 20:
        output.warn(f"… and {len(result.left_alone) - 20} more in the report.")
    for error in result.errors:
        output.error(error)
    if result.report_paths:
        output.info(f"Report: {result.report_paths[0]}")
    if result.is_dry_run:
        output.success("Dry run: nothing was changed.")
    elif result.exit_code == 0:
        output.success(f"Rollback run {result.run_id} undid everything asked.")
    elif result.left_alone:
        count = len(result.left_alone)
        output.warn(
            f"{count} record{'s' if count != 1 else ''} left alone; run "
            f"`bt2twenty rollback --project {project} --force` to undo them too."
        )


def register(app: typer.Typer) -> None:
    """Add ``rollback`` to the main application."""
    app.command("rollback")(rollback_command)

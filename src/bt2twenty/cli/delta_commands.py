"""``bt2twenty delta`` and ``bt2twenty cutover``: keep Twenty in step, then switch over."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.cli.run_commands import (
    AfterCutoverOption,
    ProjectOption,
    TwentyUrlOption,
    check_before_cutover,
    stop_handler,
)
from bt2twenty.pipeline.cutover import CONFIRMED_STEPS, checklist, confirm_step, write_checklist
from bt2twenty.pipeline.delta import DeltaResult, delta_markdown, run_delta
from bt2twenty.pipeline.load import journal_path
from bt2twenty.reports import reports_dir
from bt2twenty.settings import load_settings


def delta_command(
    project: ProjectOption = Path("."),
    twenty_url: TwentyUrlOption = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help="The new export folder or ZIP (default: the newest one a run read).",
        ),
    ] = None,
    after_cutover: AfterCutoverOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Send what is new or changed in Bluetrait since the last run, and act on deletions.

    Deletions follow settings.deleted_record_policy in mapping.yaml: leave, flag or remove.

    Example: bt2twenty delta --project ./acme --source ./export-2026-12-04.zip
    """
    settings = load_settings(project, twenty_url=twenty_url)
    check_before_cutover(project, after_cutover=after_cutover)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, stop_handler(stop))
    try:
        with output.progress() as bar:
            on_phase = output.phase_bars(bar)
            result = run_delta(settings, source=source, on_phase=on_phase, stop=stop)
    finally:
        signal.signal(signal.SIGINT, previous)

    report = reports_dir(settings) / f"delta-{result.load.run_id}.md"
    report.write_text(delta_markdown(result), encoding="utf-8")
    report.with_suffix(".json").write_text(
        json.dumps(result.as_json(), indent=1, default=str), encoding="utf-8"
    )
    if as_json:
        output.print_json(result.as_json())
    else:
        _print_delta(result)
        output.info(f"Report: {report} (and .json)")
    if result.load.interrupted:
        output.error(f"Interrupted; run `bt2twenty delta --project {project}` again to resume.")
        raise typer.Exit(130)


def _print_delta(result: DeltaResult) -> None:
    for report in result.load.objects:
        counts = report.counts
        if not counts.read:
            continue
        output.info(
            f"{report.source_object}: {counts.new} new, {counts.changed} changed, "
            f"{counts.unchanged} unchanged, {counts.quarantined} quarantined"
        )
    for deletion in result.deletions[:50]:
        output.info(
            f"deleted in Bluetrait: {deletion.source_object} {deletion.source_id} "
            f"({deletion.target_object} {deletion.target_id}): {deletion.action}"
        )
    if len(result.deletions) > 50:
        output.info(f"… and {len(result.deletions) - 50} more deletions; see the JSON report.")
    if result.known_deletions:
        output.info(f"{result.known_deletions} deletions found by earlier deltas.")
    output.success(f"Delta finished: {result.changes} changes (deletion policy: {result.policy}).")


def cutover_command(
    project: ProjectOption = Path("."),
    done: Annotated[
        str | None,
        typer.Option(
            "--done", help=f"Confirm a step only a person can: {', '.join(CONFIRMED_STEPS)}."
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A note kept with the confirmation.")
    ] = None,
) -> None:
    """Print the cutover checklist and the state of each step; confirm a step with --done.

    Example: bt2twenty cutover --project ./acme --done freeze
    """
    settings = load_settings(project)
    if done is not None:
        confirm_step(project, done, journal_file=journal_path(settings), note=note)
        output.success(f"Recorded: {CONFIRMED_STEPS[done]}.")
    steps = checklist(project, journal_path(settings))
    path = reports_dir(settings) / "cutover.md"
    write_checklist(steps, path)
    output.table(
        "Cutover checklist",
        ["step", "state", "detail"],
        [[step.title, "done" if step.done else "open", step.detail] for step in steps],
    )
    pending = [step for step in steps if not step.done]
    if pending:
        output.info(f"Next: {pending[0].next_action}")
    else:
        output.success("Cutover complete: Twenty is the system of record.")
    output.info(f"Checklist: {path}")


def register(app: typer.Typer) -> None:
    """Add ``delta`` and ``cutover`` to the main application."""
    app.command("delta")(delta_command)
    app.command("cutover")(cutover_command)

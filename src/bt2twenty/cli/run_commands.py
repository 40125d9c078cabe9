"""``bt2twenty run`` and ``bt2twenty status``: load records, and see where the migration is."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.errors import ConfigError
from bt2twenty.journal import Journal
from bt2twenty.pipeline.cutover import completed_at
from bt2twenty.pipeline.load import journal_path, run_load
from bt2twenty.settings import load_settings

ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Folder of the migration project.")
]
TwentyUrlOption = Annotated[
    str | None, typer.Option("--twenty-url", help="Twenty workspace URL (key: TWENTY_API_KEY).")
]
SourceOption = Annotated[
    Path | None,
    typer.Option(
        "--source",
        help="Export folder or ZIP (default: the newest one a run read, else the discovered).",
    ),
]
AfterCutoverOption = Annotated[
    bool,
    typer.Option(
        "--after-cutover",
        help="Write to Twenty even though it is already the system of record.",
    ),
]


def check_before_cutover(project: Path, *, after_cutover: bool) -> None:
    """Raise an error if Twenty is already the system of record and the person did not insist."""
    finished = completed_at(project)
    if finished is None or after_cutover:
        return
    raise ConfigError(
        f"Twenty has been the system of record since {finished} (cutover), so loading "
        "Bluetrait data now could overwrite changes the team made in Twenty.",
        hint="Pass --after-cutover to write anyway, for example with --only for an object "
        "that was forgotten.",
    )


def run_command(
    project: ProjectOption = Path("."),
    twenty_url: TwentyUrlOption = None,
    source: SourceOption = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="Load N records per object, with their parents."),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Load only this source object (repeatable).")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Batches in flight at once.")
    ] = None,
    invite: Annotated[
        bool,
        typer.Option(
            "--invite",
            help="Invite active Bluetrait staff who are not workspace members (Twenty emails "
            "them).",
        ),
    ] = False,
    after_cutover: AfterCutoverOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Load the confirmed mapping's records into Twenty; run it again to resume.

    Example: bt2twenty run --project ./acme --twenty-url https://crm.example.com --sample 10
    """
    settings = load_settings(project, twenty_url=twenty_url, concurrency=concurrency)
    check_before_cutover(project, after_cutover=after_cutover)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, stop_handler(stop))
    try:
        with output.progress() as bar:
            on_phase = output.phase_bars(bar)
            result = run_load(
                settings,
                source=source,
                sample=sample,
                only=only,
                on_phase=on_phase,
                stop=stop,
                invite=invite,
            )
    finally:
        signal.signal(signal.SIGINT, previous)

    if as_json:
        output.print_json(result.as_json())
    else:
        for report in result.objects:
            output.info(report.line())
        if result.flagged and result.review_path is not None:
            flagged = sum(result.flagged.values())
            codes = ", ".join(
                f"{count} {code}"
                for code, count in sorted(result.flagged.items(), key=lambda item: -item[1])
            )
            output.info(f"{flagged} problems flagged for review ({codes}): {result.review_path}")
        if result.invitations is not None:
            output.info(result.invitations.line())
            for error in result.invitations.errors:
                output.warn(f"Twenty refused an invitation: {error}")
        if result.unmatched_users:
            _warn_unmatched(result.unmatched_users)
    if result.interrupted:
        output.error(f"Interrupted; run `bt2twenty run --project {project}` again to resume.")
        raise typer.Exit(130)
    output.success(f"Run {result.run_id} finished ({result.kind}).")


def _warn_unmatched(unmatched: dict[str, str]) -> None:
    output.warn(
        f"{len(unmatched)} Bluetrait users match no workspace member, so their assignments and "
        "ownerships are empty; each record keeps the user in its unplacedValues field:"
    )
    for user_id, email in list(unmatched.items())[:20]:
        output.warn(f"  user {user_id}: {email}")
    output.warn(
        "Invite them to the Twenty workspace, or set settings.fallback_owner in mapping.yaml to a "
        "member's email; then confirm the mapping and run again."
    )


def stop_handler(stop: threading.Event) -> Callable[[int, FrameType | None], None]:
    def handle(_signal: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        output.warn("Stopping after the batches in flight; press Ctrl-C again to abandon them.")

    return handle


def status_command(
    project: ProjectOption = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print the migration's state: runs, records per object, quarantine, pending batches.

    Example: bt2twenty status --project ./acme --json
    """
    settings = load_settings(project)
    path = journal_path(settings)
    if not project.is_dir():
        output.error(f"Project folder not found: {project}. Check the --project path.")
        raise typer.Exit(2)
    if not path.is_file():
        output.info(f"No migration has run in {project} yet (no {path.name}).")
        return
    journal = Journal.open(path)
    try:
        status = journal.status()
    finally:
        journal.close()
    if as_json:
        output.print_json(status.as_dict())
    else:
        output.info(status.as_text())


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``status`` to the main application."""
    app.command("run")(run_command)
    app.command("status")(status_command)

"""``bt2twenty report``: write the hand-over documents for the customer's admin."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.cli.run_commands import ProjectOption, SourceOption
from bt2twenty.reports.handover import write_handover
from bt2twenty.settings import load_settings

logger = logging.getLogger(__name__)


def report_command(
    project: ProjectOption = Path("."),
    source: SourceOption = None,
    twenty_url: Annotated[
        str | None,
        typer.Option(
            "--twenty-url",
            help="Twenty workspace URL (key: TWENTY_API_KEY), to mark users already members.",
        ),
    ] = None,
) -> None:
    """Write the hand-over documents: what does not move into Twenty, or needs a person.

    Writes the migration summary, passwords inventory (never a secret), agent inventory,
    article-ticket table, recurring billing inventory, users to invite and quarantine list
    into PROJECT/reports/handover/, each as Markdown, HTML and CSV, with an index.json.
    Without a journal or a workspace, those parts read "not run yet".

    Example: bt2twenty report --project ./acme --twenty-url https://crm.example.com
    """
    if not project.is_dir():
        output.error(f"Project folder not found: {project}. Check the --project path.")
        raise typer.Exit(2)
    settings = load_settings(project, twenty_url=twenty_url)
    result = write_handover(settings, source=source)

    formats: dict[Path, list[str]] = {}
    rows: dict[Path, int] = {}
    for file in result.files:
        stem = file.path.with_suffix("")
        formats.setdefault(stem, []).append(file.format)
        rows[stem] = file.rows
    for stem, suffixes in formats.items():
        suffix = suffixes[0] if len(suffixes) == 1 else "{" + ",".join(suffixes) + "}"
        output.info(f"{stem}.{suffix}  {rows[stem]} rows")
    output.info(f"{result.index_path}  {len(result.files)} files listed")

    extra_tables = len(formats) - len(result.documents)
    output.success(
        f"Wrote {len(result.documents)} hand-over documents and {extra_tables} more CSV tables "
        f"to {result.folder}."
    )
    summary = result.documents[0]
    for paragraph in summary.sections[-1].paragraphs[:2]:
        output.info(paragraph)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the main application."""
    app.command("report")(report_command)

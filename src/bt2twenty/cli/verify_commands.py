"""``bt2twenty verify``: read back every record the migration wrote and compare each field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.cli.run_commands import ProjectOption, SourceOption, TwentyUrlOption
from bt2twenty.pipeline.verify import VerifyResult, run_verify
from bt2twenty.settings import load_settings


def verify_command(
    project: ProjectOption = Path("."),
    twenty_url: TwentyUrlOption = None,
    source: SourceOption = None,
    spot_check: Annotated[
        int | None,
        typer.Option(
            "--spot-check", min=0, help="Records per object on the spot-check sheet (default 25)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of the spot-check sample, to draw the same one again."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Read back every record this migration wrote and compare each field with the source.

    Exits 0 only when every record is in Twenty with every field as sent and no extra record
    carries a Bluetrait id. The report and a spot-check sheet go to the project's reports folder.

    Example: bt2twenty verify --project ./acme --twenty-url https://crm.example.com
    """
    settings = load_settings(project, twenty_url=twenty_url, spot_check_size=spot_check)
    with output.progress() as bar:
        on_phase = output.phase_bars(bar)
        result = run_verify(settings, source=source, seed=seed, on_phase=on_phase)

    if as_json:
        output.print_json(result.as_json())
    else:
        _print_summary(result)
    if not result.is_clean:
        raise typer.Exit(1)


def _print_summary(result: VerifyResult) -> None:
    output.table(
        f"Verification run {result.run_id} ({result.twenty_version})",
        ["Twenty object", "expected", "verified", "mismatched", "missing", "extra", "outdated"],
        [
            [
                item.target_object,
                item.expected,
                item.verified,
                item.mismatched_records,
                item.missing,
                item.extra,
                item.outdated,
            ]
            for item in result.objects
        ],
    )
    output.info(
        f"Report: {result.reports['markdown']} (also .html, .json, and every finding in .csv)"
    )
    output.info(f"Spot-check sheet: {result.reports['spot_check_html']} (and .csv)")
    if result.is_clean:
        output.success(f"Verified: all {result.verified} records hold every field as sent.")
    else:
        output.error("Verification found differences; the report lists each with the next step.")


def register(app: typer.Typer) -> None:
    """Add ``verify`` to the main application."""
    app.command("verify")(verify_command)

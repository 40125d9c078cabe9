"""``bt2twenty sample-export``: write a realistic Bluetrait export to try the tool on."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.sources.bluetrait.sample import (
    DEFAULT_SEED,
    SampleExportSummary,
    planned_rows,
    write_sample_export,
)

logger = logging.getLogger(__name__)

# Exports with fewer top-level rows than this finish in about a second, so no bar is drawn.
PROGRESS_BAR_MIN_ROWS = 20_000


def sample_export(
    out_dir: Annotated[Path, typer.Argument(help="New or empty folder to write the export into.")],
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            min=0.01,
            help="Size as a multiple of a small tenant (1 = 400 tickets, 2500 = 1,000,000).",
        ),
    ] = 1.0,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed writes identical files.")
    ] = DEFAULT_SEED,
) -> None:
    """Write a deterministic sample Bluetrait export with the data problems of real ones.

    Example: bt2twenty sample-export ./sample-export --scale 1 --seed 7
    """
    total = planned_rows(scale)
    if total < PROGRESS_BAR_MIN_ROWS:
        summary = write_sample_export(out_dir, scale=scale, seed=seed)
    else:
        with output.progress() as bar:
            task = bar.add_task("Writing sample export", total=total)
            summary = write_sample_export(
                out_dir, scale=scale, seed=seed, progress=lambda rows: bar.advance(task, rows)
            )
    _print_summary(summary)


def _print_summary(summary: SampleExportSummary) -> None:
    rows = [(name, f"{count:,}") for name, count in summary.rows.items()]
    output.table(f"Sample export in {summary.out_dir}", ["file", "rows"], rows)
    output.success(
        f"Wrote {summary.total_rows:,} rows and {summary.attachment_files:,} attachment files "
        f"in {summary.seconds:.1f} s (scale {summary.scale:g}, seed {summary.seed})."
    )


def register(app: typer.Typer) -> None:
    """Add the ``sample-export`` command to the main application."""
    app.command("sample-export")(sample_export)

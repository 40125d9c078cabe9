"""``bt2twenty demo``: the whole migration on a generated export, with nothing to set up."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.demo import run_demo


def demo_command(
    workdir: Annotated[
        Path | None,
        typer.Option(
            "--workdir", help="Empty folder for the demo's files (default: a new temporary one)."
        ),
    ] = None,
    scale: Annotated[
        float,
        typer.Option("--scale", min=0.05, help="Export size: 1 is a small tenant (~3,500 rows)."),
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated export.")] = 1,
) -> None:
    """Run the whole pipeline on a sample export into a local Twenty stand-in, and verify it.

    Example: bt2twenty demo --scale 0.5
    """
    folder = workdir or Path(tempfile.mkdtemp(prefix="bt2twenty-demo-"))
    result = run_demo(folder, scale=scale, seed=seed, step=lambda name: output.info(f"• {name}"))

    if result.load is not None:
        for report in result.load.objects:
            output.info(report.line())
        if result.load.unmatched_users:
            output.info(
                f"{len(result.load.unmatched_users)} sample staff match none of the stand-in's "
                "workspace members, so their assignments stay empty and each record keeps the "
                "user in unplacedValues; in a real migration, invite staff before the load."
            )
    output.table(
        "Demo checks",
        ["check", "result", "detail"],
        [[c.name, "passed" if c.passed else "FAILED", c.detail] for c in result.checks],
    )
    output.info(f"Report: {result.report_path}")
    if result.verify is not None:
        output.info(f"Verification report: {result.verify.reports['markdown']} (and .html)")
        output.info(f"Spot-check sheet: {result.verify.reports['spot_check_html']}")
    output.info(f"The demo's files are in {folder}; delete the folder when you are done.")
    if not result.passed:
        output.error("The demo found a problem; see the report above.")
        raise typer.Exit(1)
    output.success("Demo finished: every check passed.")


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the main application."""
    app.command("demo")(demo_command)

"""``bt2twenty discover``: profile a Bluetrait export and write the scope document."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from bt2twenty.cli import output
from bt2twenty.errors import SettingsError
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait.api_client import BluetraitApiClient
from bt2twenty.sources.bluetrait.dates import DateOrder
from bt2twenty.sources.bluetrait.discovery import DiscoverOptions, discover

logger = logging.getLogger(__name__)


def discover_command(
    source: Annotated[Path, typer.Argument(help="Folder or ZIP of the Bluetrait export.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Project folder for the profile, scope and reject files; later commands take "
            "it as --project.",
        ),
    ] = Path("."),
    zone: Annotated[
        str, typer.Option("--zone", help="Tenant time zone of Bluetrait's local datetimes.")
    ] = "Australia/Sydney",
    date_order: Annotated[
        str,
        typer.Option("--date-order", help="Order assumed for ambiguous dates: DMY or MDY."),
    ] = "DMY",
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", min=1, help="Target's requests per minute.")
    ] = 100,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Records per API batch at the target.")
    ] = 60,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="Bluetrait API URL (https://TENANT.bluetrait.io/api/, key in BLUETRAIT_API_KEY): "
            "objects it covers are read from it, the rest from the export.",
        ),
    ] = None,
) -> None:
    """Read every row of a Bluetrait export and describe it before anything is mapped.

    Writes source-profile.json, scope.md and scope.html into the output folder, and one reject
    file per object whose rows could not be read.

    Example: bt2twenty discover ./bluetrait-export.zip --out ./acme --zone Australia/Perth
    """
    options = DiscoverOptions(
        zone=zone,
        default_date_order=_date_order(date_order),
        rate_limit_per_minute=rate_limit,
        batch_size=batch_size,
    )

    with output.progress() as bar:
        task = bar.add_task("Reading export", total=None)

        def report(done: int, total: int) -> None:
            # A users file that also holds clients is read twice, so bytes can pass the total.
            bar.update(task, completed=min(done, total), total=total)

        api = None
        if api_url is not None:
            api = BluetraitApiClient.from_settings(load_settings(out, bluetrait_url=api_url))
        try:
            profile = discover(
                source, out, options=options, progress=report, api=api, api_url=api_url
            )
        finally:
            if api is not None:
                api.close()

    _print_summary(profile.document, profile.paths)


def _date_order(text: str) -> DateOrder:
    try:
        order = DateOrder(text.upper())
    except ValueError:
        order = DateOrder.YMD
    if order is DateOrder.YMD:
        raise SettingsError(
            f"invalid --date-order {text!r}", hint="Use DMY (day first) or MDY (month first)."
        )
    return order


def _print_summary(document: dict[str, Any], paths: dict[str, Path]) -> None:
    rows = [
        (entry["name"], entry["rows_read"], entry["rows_yielded"], entry["rows_rejected"])
        for entry in document["objects"]
    ]
    output.table("Rows per object", ["object", "read", "yielded", "rejected"], rows)

    problems = document["problems"]
    total_rows = sum(entry["rows_read"] for entry in document["objects"])
    rejected = sum(entry["rows_rejected"] for entry in document["objects"])
    estimate = document["estimate"]
    output.info(
        f"{len(document['objects'])} objects, {total_rows} rows read, {rejected} rejected, "
        f"{len(problems)} kinds of data problem found."
    )
    output.info(
        f"Complexity {document['complexity']['grade']}. Load estimate: "
        f"{estimate['total_calls']} API calls, {estimate['elapsed_minutes']} minutes at "
        f"{estimate['rate_limit_per_minute']} requests per minute."
    )
    for entry in document["objects"]:
        for file in entry["files"]:
            encoding = file["encoding"]
            if encoding and not encoding["encoding"].startswith("utf-8"):
                output.warn(
                    f"{file['path']} was read as {encoding['encoding']} "
                    f"({encoding['confidence']:.0%} confidence); check its accented text."
                )
    if rejected:
        output.warn(f"{rejected} rows were rejected; see the reject files listed in the profile.")
    for name, path in paths.items():
        output.success(f"Wrote {name.replace('_', ' ')}: {path}")


def register(app: typer.Typer) -> None:
    """Add the ``discover`` command to the main application."""
    app.command("discover")(discover_command)

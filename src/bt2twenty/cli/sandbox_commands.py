"""``bt2twenty sandbox``: serve a local stand-in for a Twenty workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.errors import ConfigError
from bt2twenty.sandbox import FAULT_SPEC_HELP, SandboxConfig, parse_fault_spec, serve
from bt2twenty.sandbox.config import (
    DEFAULT_MAX_BATCH,
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    DEFAULT_RATE_LIMIT_PER_SECOND,
)


def sandbox(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; keep it on loopback.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="TCP port to listen on; 0 picks a free one.")
    ] = 3000,
    api_key: Annotated[
        str,
        typer.Option("--api-key", help="API key clients must send as 'Authorization: Bearer KEY'."),
    ] = "sandbox-key",
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="SQLite file that keeps the workspace between runs; default: a temporary file.",
        ),
    ] = None,
    rate_limit: Annotated[
        int,
        typer.Option(
            "--rate-limit",
            help="Requests allowed per minute, besides Twenty's 100 per second; "
            "0 switches limiting off.",
        ),
    ] = DEFAULT_RATE_LIMIT_PER_MINUTE,
    max_batch: Annotated[
        int, typer.Option("--max-batch", help="Maximum records in one batch create request.")
    ] = DEFAULT_MAX_BATCH,
    era: Annotated[
        str, typer.Option("--era", help="Twenty API era to imitate: v1 (1.x) or v2 (2.x).")
    ] = "v2",
    faults: Annotated[
        str, typer.Option("--faults", help="Faults to inject. " + FAULT_SPEC_HELP)
    ] = "",
    partial_unique_indexes: Annotated[
        bool,
        typer.Option(
            "--partial-unique-indexes",
            help="Let soft-deleted records release their unique values, as newer Twenty does.",
        ),
    ] = False,
) -> None:
    """Serve a local Twenty stand-in until interrupted (Ctrl+C).

    Example: bt2twenty sandbox --port 3000 --api-key dev-key --era v2 --faults error_rate=0.1,seed=1
    """
    try:
        config = SandboxConfig(
            api_key=api_key,
            era=era,  # type: ignore[arg-type]
            data_path=data,
            rate_limit_per_minute=rate_limit or None,
            rate_limit_per_second=DEFAULT_RATE_LIMIT_PER_SECOND if rate_limit else None,
            max_batch=max_batch,
            partial_unique_indexes=partial_unique_indexes,
            faults=parse_fault_spec(faults),
        )
    except ValueError as failure:
        raise ConfigError(
            str(failure), hint="Run 'bt2twenty sandbox --help' for the options."
        ) from None

    def announce(url: str) -> None:
        output.info(f"Twenty sandbox at {url}")
        output.info(f"API key: {api_key}")
        output.info("Press Ctrl+C to stop.")

    try:
        serve(config, host, port, on_ready=announce)
    except OSError as failure:
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {failure.strerror}",
            hint="Pick another --port, or stop the program using this one.",
        ) from None
    except KeyboardInterrupt:
        output.info("Sandbox stopped.")


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to the main application."""
    app.command("sandbox")(sandbox)

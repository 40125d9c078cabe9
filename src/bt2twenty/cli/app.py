"""The ``bt2twenty`` command: global options, error handling and the verbs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bt2twenty import __version__
from bt2twenty.cli import output
from bt2twenty.errors import Bt2TwentyError
from bt2twenty.logs import configure_logging

logger = logging.getLogger(__name__)


class _ErrorHandlingGroup(TyperGroup):
    """Turns the tool's own errors into a message on stderr and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Bt2TwentyError as failure:
            if _state["debug"]:
                logger.exception("Command failed")
            output.error(failure)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="bt2twenty",
    cls=_ErrorHandlingGroup,
    help="Migrate Bluetrait helpdesk and PSA data into Twenty CRM, field by field.\n\n"
    "Example: bt2twenty demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


def _print_version(value: bool) -> None:
    if value:
        output.info(f"bt2twenty {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log lines: -v info, -vv debug.")
    ] = 0,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error.")
    ] = False,
    log_file: Annotated[
        Path | None,
        typer.Option("--log-file", help="Also write every log line, at debug level, to this file."),
    ] = None,
) -> None:
    """Migrate Bluetrait helpdesk and PSA data into Twenty CRM, field by field.

    Example: bt2twenty demo
    """
    levels = {0: logging.WARNING, 1: logging.INFO}
    configure_logging(level=levels.get(verbose, logging.DEBUG), log_file=log_file)
    _state["debug"] = debug


def _register_commands() -> None:
    """Import the verb modules, each of which adds its commands to `app`."""
    from bt2twenty.cli import (
        config_commands,
        delta_commands,
        demo_commands,
        discover_commands,
        map_commands,
        report_commands,
        rollback_commands,
        run_commands,
        sample_commands,
        sandbox_commands,
        schema_commands,
        verify_commands,
    )

    modules = (
        demo_commands,
        config_commands,
        discover_commands,
        map_commands,
        schema_commands,
        run_commands,
        verify_commands,
        delta_commands,
        report_commands,
        rollback_commands,
        sample_commands,
        sandbox_commands,
    )
    for module in modules:
        module.register(app)


_register_commands()


def main() -> None:
    """Run the command line."""
    app()

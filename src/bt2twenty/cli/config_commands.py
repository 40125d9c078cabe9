"""``bt2twenty config``: show the settings a command would use, and where each came from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from bt2twenty.cli import output
from bt2twenty.redaction import MASK
from bt2twenty.settings import ENV_PREFIX, PROJECT_FILE_NAME, SECRET_FIELDS, load_settings

config_app = typer.Typer(help="Show the resolved settings.\n\nExample: bt2twenty config show")


@config_app.command("show")
def show(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="Folder of the migration project.")
    ] = Path("."),
    twenty_url: Annotated[
        str | None, typer.Option("--twenty-url", help="Base URL of the Twenty workspace.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print every setting with its value; secrets show only whether they are set.

    Example: bt2twenty config show --project ./acme-migration
    """
    settings = load_settings(project, twenty_url=twenty_url)
    values = settings.model_dump(mode="json")
    for name in SECRET_FIELDS:
        values[name] = MASK if getattr(settings, name) is not None else None

    if as_json:
        output.print_json(values)
        return
    rows = [(name, value, _origin(name, project, twenty_url)) for name, value in values.items()]
    output.table("Settings", ["setting", "value", "from"], rows)


def _origin(name: str, project: Path, twenty_url: str | None) -> str:
    if name == "twenty_url" and twenty_url is not None:
        return "flag"
    env_names = {
        "twenty_url": ("BT2TWENTY_TWENTY_URL", "TWENTY_API_URL"),
        "twenty_api_key": ("TWENTY_API_KEY",),
        "bluetrait_api_key": ("BLUETRAIT_API_KEY",),
        "llm_api_key": ("BT2TWENTY_LLM_API_KEY",),
    }.get(name, (ENV_PREFIX + name.upper(),))
    for env_name in env_names:
        if env_name in os.environ:
            return f"environment {env_name}"
    project_file = project / PROJECT_FILE_NAME
    if project_file.is_file() and name in project_file.read_text(encoding="utf-8"):
        return PROJECT_FILE_NAME
    return "default"


def register(app: typer.Typer) -> None:
    """Add the ``config`` commands to the main application."""
    app.add_typer(config_app, name="config")

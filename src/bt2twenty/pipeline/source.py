"""Open the export a project discovered, with the Bluetrait API where discovery used it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.journal import Journal, RunKind
from bt2twenty.settings import Settings
from bt2twenty.sources.bluetrait import open_export
from bt2twenty.sources.bluetrait.api_client import BluetraitApiClient
from bt2twenty.sources.bluetrait.export import BluetraitExport

logger = logging.getLogger(__name__)


def export_path_for(
    profile: dict[str, Any], source: Path | None, *, journal_file: Path | None = None
) -> Path:
    """Return the export to read: `source` if given, else the newest one a load or delta read.

    Without a load yet, it is the export discovery profiled. After a delta with a newer
    export, `verify`, `run` and `report` read that newer export, so they never compare with
    or send back the older data.
    """
    profiled = str(profile.get("source", {}).get("path") or "")
    export_path = (
        source or _last_loaded_source(journal_file) or (Path(profiled) if profiled else None)
    )
    if export_path is None or not export_path.exists():
        raise ConfigError(
            f"Source export not found: {export_path}.",
            hint="Pass --source with the export folder or ZIP that discover read.",
        )
    return export_path


@contextmanager
def opened_source(
    settings: Settings, profile: dict[str, Any], export_path: Path
) -> Iterator[BluetraitExport]:
    """Open the export, reading the objects discovery took from the Bluetrait API from there."""
    with open_export(export_path) as export:
        api = _api_for_profile(settings, profile)
        if api is None:
            yield export
            return
        try:
            api_objects = [
                o["name"] for o in profile.get("objects", []) if o.get("source") == "api"
            ]
            export.use_api(api, objects=api_objects)
            yield export
        finally:
            api.close()


def _api_for_profile(settings: Settings, profile: dict[str, Any]) -> BluetraitApiClient | None:
    """Return a Bluetrait API client when discovery read some objects from the API."""
    api_url = profile.get("source", {}).get("api_url")
    if not api_url or not any(o.get("source") == "api" for o in profile.get("objects", [])):
        return None
    return BluetraitApiClient.from_settings(settings.model_copy(update={"bluetrait_url": api_url}))


def _last_loaded_source(journal_file: Path | None) -> Path | None:
    """Return the export the newest load or delta run read, if the journal records one."""
    if journal_file is None or not journal_file.is_file():
        return None
    journal = Journal.open(journal_file)
    try:
        runs = [
            run
            for kind in (RunKind.LOAD, RunKind.SAMPLE, RunKind.DELTA)
            for run in journal.runs(kind=kind)
            if (run.options or {}).get("source")
        ]
    finally:
        journal.close()
    if not runs:
        return None
    newest = max(runs, key=lambda run: run.started_at)
    return Path(str(newest.options["source"]))

"""Documents a person reads: verification reports, spot-check sheets and hand-over documents."""

from __future__ import annotations

from pathlib import Path

from bt2twenty.settings import Settings

REPORTS_FOLDER = "reports"


def reports_dir(settings: Settings) -> Path:
    """Return the folder of the project's reports, created if needed."""
    folder = settings.project_dir / REPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder

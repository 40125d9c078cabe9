"""Documents a person reads: verification reports, spot-check sheets and hand-over documents.

The hand-over documents (`bt2twenty.reports.handover.write_handover`) cover everything that does
not move into Twenty, or needs a person. Each is written into ``<project>/reports/handover/``
as Markdown, HTML and CSV, and ``index.json`` lists every file with its row count:

- ``migration-summary``: scope, records in and out per object, open items;
- ``passwords-inventory``: current password entries without any secret;
- ``agent-inventory``: one row per device, with ``agent-software.csv`` and ``agent-alerts.csv``;
- ``article-tickets``: each article with its tickets, and ``article-ticket-links.csv``;
- ``recurring-billing``: recurring invoices and product cadences;
- ``users-to-invite``: staff with email, role, state and workspace membership;
- ``quarantine``: rows held back with their reasons, and what does not migrate by design.
"""

from __future__ import annotations

from pathlib import Path

from bt2twenty.settings import Settings

REPORTS_FOLDER = "reports"


def reports_dir(settings: Settings) -> Path:
    """Return the folder of the project's reports, created if needed."""
    folder = settings.project_dir / REPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder

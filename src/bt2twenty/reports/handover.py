"""Write every hand-over document of a project, and the JSON index that lists them.

`write_handover` reads the export that `discover` profiled (or `source`), the project's journal
when a load has run, and the workspace's members when a Twenty URL and key are set. A missing
journal or workspace turns those parts into "not run yet". Only a missing profile or export is
an error. The documents go to ``<project>/reports/handover/``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bt2twenty import __version__
from bt2twenty.errors import Bt2TwentyError
from bt2twenty.journal.store import utc_now
from bt2twenty.mapping.model import MappingSettings
from bt2twenty.mapping.workflow import load_profile, mapping_path
from bt2twenty.mapping.yamlfile import MappingFileError, load_mapping
from bt2twenty.pipeline.load import journal_path
from bt2twenty.pipeline.source import export_path_for, opened_source
from bt2twenty.redaction import redact
from bt2twenty.reports.agents import build_agents
from bt2twenty.reports.articles import build_articles
from bt2twenty.reports.billing import build_billing
from bt2twenty.reports.passwords import build_passwords
from bt2twenty.reports.quarantine import build_quarantine, read_journal
from bt2twenty.reports.review import build_review
from bt2twenty.reports.source import ExportTables
from bt2twenty.reports.summary import HandedOver, OpenItems, build_summary
from bt2twenty.reports.users import MemberCheck, build_users, check_members
from bt2twenty.reports.writer import Document, WrittenFile, write_document
from bt2twenty.settings import Settings

logger = logging.getLogger(__name__)

HANDOVER_FOLDER = Path("reports") / "handover"
INDEX_FILE = "index.json"


@dataclass
class HandoverResult:
    """The documents written, where, and which optional inputs were available."""

    folder: Path
    index_path: Path
    documents: list[Document]
    files: list[WrittenFile]
    journal_found: bool
    members: MemberCheck

    def index(self) -> dict[str, Any]:
        """Return the JSON index: every file with its path, format and row count."""
        return {
            "generated_at": utc_now(),
            "tool_version": __version__,
            "journal": "found" if self.journal_found else "not run yet",
            "workspace_members": "checked" if self.members.checked else "not run yet",
            "documents": [
                {
                    "name": file.document,
                    "title": file.title,
                    "format": file.format,
                    "path": file.path.relative_to(self.folder).as_posix(),
                    "rows": file.rows,
                }
                for file in self.files
            ],
        }


def write_handover(settings: Settings, *, source: Path | None = None) -> HandoverResult:
    """Write the hand-over documents and their index; see the module docstring."""
    profile = load_profile(settings)
    export_path = export_path_for(profile, source, journal_file=journal_path(settings))
    mapping_settings = _mapping_settings(settings)
    facts = read_journal(journal_path(settings))

    with opened_source(settings, profile, export_path) as export:
        tables = ExportTables(export)
        members = _workspace_members(settings, tables.rows("users"))
        documents = [
            build_passwords(tables),
            build_agents(tables),
            build_articles(tables),
            build_billing(tables, default_currency=mapping_settings.default_currency),
            build_users(tables, members),
            build_quarantine(facts),
            build_review(facts),
        ]

    users = documents[4]
    to_invite = (
        sum(1 for row in users.table.rows if row["state"] == "active" and row["member"] == "no")
        if members.checked
        else None
    )
    handed_over = [HandedOver(doc.title, f"{doc.name}.md", doc.rows) for doc in documents]
    documents.insert(0, build_summary(profile, facts, OpenItems(to_invite, handed_over)))

    folder = settings.project_dir / HANDOVER_FOLDER
    files = [file for document in documents for file in write_document(document, folder)]
    result = HandoverResult(
        folder, folder / INDEX_FILE, documents, files, facts is not None, members
    )
    result.index_path.write_text(
        redact(json.dumps(result.index(), indent=2, ensure_ascii=False)), encoding="utf-8"
    )
    logger.info("Wrote %d hand-over files to %s", len(files) + 1, folder)
    return result


def _mapping_settings(settings: Settings) -> MappingSettings:
    """Return the mapping's settings, or the defaults when no readable mapping exists."""
    path = mapping_path(settings)
    if not path.is_file():
        return MappingSettings()
    try:
        return load_mapping(path).settings
    except MappingFileError as error:
        logger.warning("Using default mapping settings, because %s is invalid: %s", path, error)
        return MappingSettings()


def _workspace_members(settings: Settings, users: list[dict[str, str]]) -> MemberCheck:
    """Read the workspace's members when a URL and key are set, or record why they were not."""
    if not settings.twenty_url or settings.twenty_api_key is None:
        return MemberCheck(
            None, "no Twenty workspace given: pass --twenty-url and set TWENTY_API_KEY"
        )
    from bt2twenty.twenty import TwentyClient

    try:
        with TwentyClient.from_settings(settings) as client:
            members = list(client.records.iterate("workspaceMembers"))
    except Bt2TwentyError as error:
        logger.warning("Could not read the members of %s: %s", settings.twenty_url, error.message)
        return MemberCheck(None, f"the workspace could not be read: {error.message}")
    logger.info("Read %d workspace members from %s", len(members), settings.twenty_url)
    return check_members(members, users)

"""The passwords inventory: what each password entry is for, never what it contains.

Only the columns in `PASSWORD_INVENTORY_COLUMNS` are read into the document. The password,
the notes, OTP seeds and any column this version does not know stay out, and so does the login
name. Superseded versions of an entry (``old = 1``, pointing at the current entry through
``parent_id``) are counted on their entry, not listed.
"""

from __future__ import annotations

import logging
from collections import Counter

from bt2twenty.reports.source import ExportTables, is_true
from bt2twenty.reports.writer import Column, Document, Section, Table
from bt2twenty.sources.bluetrait.export import (
    PASSWORD_INVENTORY_COLUMNS,
    PASSWORD_LOGIN_COLUMNS,
    secret_columns,
)

logger = logging.getLogger(__name__)

NAME = "passwords-inventory"
COLUMNS = (
    Column("id", "Entry id"),
    Column("name", "Entry name"),
    Column("system", "System / URL"),
    Column("folder", "Folder"),
    Column("company", "Company"),
    Column("owner", "Owner"),
    Column("added", "Added"),
    Column("modified", "Last modified"),
    Column("older_versions", "Older versions (not listed)"),
)


def build_passwords(tables: ExportTables) -> Document:
    """Build the inventory of current password entries from the export's passwords file."""
    table = Table(COLUMNS)
    if not tables.has("passwords"):
        return Document(NAME, "Passwords inventory", [_ABSENT], table, "Current entries")

    rows = tables.rows("passwords")
    columns = tables.columns("passwords")
    has_old_flag = "old" in columns
    current = [row for row in rows if not _is_old_version(row, has_old_flag)]
    history = Counter(
        row.get("parent_id", "").strip() for row in rows if _is_old_version(row, has_old_flag)
    )
    for row in current:
        entry = {key: row.get(key, "") for key in PASSWORD_INVENTORY_COLUMNS}
        entry_id = entry["id"].strip()
        table.rows.append(
            {
                "id": entry_id,
                "name": entry["name"].strip(),
                "system": entry["url"].strip(),
                "folder": entry["category"].strip(),
                "company": tables.company(entry),
                "owner": tables.user(entry["user_id"]),
                "added": entry["date_added"].strip(),
                "modified": entry["last_modified"].strip(),
                "older_versions": str(history.get(entry_id, 0)),
            }
        )

    old_count = len(rows) - len(current)
    withheld = sorted(secret_columns("passwords", columns))
    logins = sorted(columns & PASSWORD_LOGIN_COLUMNS)
    intro = [
        f"{len(current)} current password entries, from {len(rows)} rows in the export; the "
        f"other {old_count} rows are older versions of these entries and are left out.",
        "Password entries do not move into Twenty. Recreate them in the customer's password "
        "manager, from Bluetrait itself while it is still available: this inventory shows what "
        "exists and who owns it, never a secret.",
    ]
    sections = [
        Section(
            "Columns left out",
            [
                "Secret columns, never read into this document: "
                + (", ".join(withheld) or "none")
                + ". Any column of the passwords file that this list of known, harmless columns "
                "does not name is treated as secret.",
                "Login-name columns, left out of the inventory: " + (", ".join(logins) or "none"),
            ],
        )
    ]
    logger.info(
        "Passwords inventory: %d current entries, %d older versions", len(current), old_count
    )
    return Document(NAME, "Passwords inventory", intro, table, "Current entries", sections)


def _is_old_version(row: dict[str, str], has_old_flag: bool) -> bool:
    if has_old_flag:
        return is_true(row.get("old"))
    parent = row.get("parent_id", "").strip()
    return bool(parent) and parent != "0"


_ABSENT = (
    "The export holds no passwords file, so there is no password inventory. If the customer "
    "uses Bluetrait's password module, export it and run `bt2twenty report` again."
)

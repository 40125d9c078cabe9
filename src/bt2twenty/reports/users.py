"""Users to invite: Bluetrait staff with their email, role and state, and their Twenty membership.

Twenty creates workspace members only when a person accepts an invitation, so staff cannot be
migrated as records. Owners and assignees resolve by email to members, so every active user who
is not yet a member should be invited before the load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bt2twenty.pipeline.members import MemberDirectory
from bt2twenty.reports.source import ExportTables, is_true
from bt2twenty.reports.writer import Column, Document, Table

logger = logging.getLogger(__name__)

NAME = "users-to-invite"

COLUMNS = (
    Column("id", "User id"),
    Column("name", "Name"),
    Column("email", "Email"),
    Column("role", "Role"),
    Column("state", "State"),
    Column("last_login", "Last login"),
    Column("member", "Twenty member"),
    Column("action", "Action"),
)


@dataclass(frozen=True)
class MemberCheck:
    """The workspace members found by email, or why the workspace was not checked."""

    emails: frozenset[str] | None
    reason: str = ""

    @property
    def checked(self) -> bool:
        return self.emails is not None


def build_users(tables: ExportTables, members: MemberCheck) -> Document:
    """Build the list of Bluetrait staff with what to do about each in Twenty."""
    table = Table(COLUMNS)
    for row in tables.rows("users"):
        email = row.get("email", "").strip()
        active = _is_active(row)
        member = _member_text(email, members)
        table.rows.append(
            {
                "id": row.get("id", "").strip(),
                "name": row.get("name", "").strip(),
                "email": email,
                "role": row.get("group_name", "").strip() or _group_id_text(row),
                "state": "active" if active else "inactive",
                "last_login": row.get("last_login", "").strip(),
                "member": member,
                "action": _action(email, active, member),
            }
        )

    active_count = sum(1 for row in table.rows if row["state"] == "active")
    intro = [
        f"{len(table.rows)} Bluetrait users: {active_count} active, "
        f"{len(table.rows) - active_count} "
        "inactive (login not allowed).",
        "Twenty creates workspace members only when a person accepts an invitation. Invite the "
        "active users before the load, so their tickets, timesheets and projects get an owner "
        "or assignee; records of users who are not members keep the user in their "
        "unplacedValues field.",
        _membership_text(table, members),
    ]
    if not tables.has("users"):
        intro.insert(0, "The export holds no users file, so there are no staff to list.")
    logger.info(
        "Users to invite: %d users, workspace checked: %s", len(table.rows), members.checked
    )
    return Document(NAME, "Users to invite", intro, table, "Users")


def check_members(members: list[dict[str, object]], users: list[dict[str, str]]) -> MemberCheck:
    """Return the emails of the workspace's members, compared case-insensitively."""
    directory = MemberDirectory.build(members, users)
    return MemberCheck(frozenset(directory.member_by_email))


def _member_text(email: str, members: MemberCheck) -> str:
    if members.emails is None:
        return "not checked"
    if not email:
        return "no email"
    return "yes" if email.casefold() in members.emails else "no"


def _action(email: str, active: bool, member: str) -> str:
    if member == "yes":
        return "none: already a member"
    if not email:
        return "add an email in Bluetrait, then invite"
    if active:
        return "invite"
    return "invite only if their records need an owner"


def _membership_text(table: Table, members: MemberCheck) -> str:
    if not members.checked:
        return f"Workspace membership: not run yet ({members.reason})."
    matched = sum(1 for row in table.rows if row["member"] == "yes")
    return (
        f"Workspace membership, matched by email without regard to case: {matched} of "
        f"{len(table.rows)} users are already members."
    )


def _is_active(row: dict[str, str]) -> bool:
    if row.get("active", "").strip():
        return is_true(row["active"]) and is_true(row.get("allow_login", "1"))
    return is_true(row.get("allow_login", "1"))


def _group_id_text(row: dict[str, str]) -> str:
    group_id = row.get("group_id", "").strip()
    return f"group {group_id}" if group_id else ""

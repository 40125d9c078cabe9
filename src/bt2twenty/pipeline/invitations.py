"""Invite active Bluetrait staff to the Twenty workspace (`run --invite`).

Twenty cannot create workspace members through its API, so a migration invites the users who
may log in to Bluetrait and are not members yet; Twenty emails them. Until they accept, their
assignments stay empty (or go to the fallback owner). Users who may not log in are not invited;
they are listed in the run's result and in the hand-over. Emails invited by an earlier run of
this migration are not invited again: the invited emails are kept in each run's summary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

from bt2twenty.journal import Journal, RunKind
from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)

# Twenty's sendInvitations takes a list of emails; the batch keeps each request small.
INVITATION_BATCH = 20


@dataclass
class InvitationOutcome:
    """The Bluetrait users invited, and the reason each other user was not."""

    invited: list[str] = field(default_factory=list)
    already_members: list[str] = field(default_factory=list)
    invited_before: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self) -> str:
        """Return one line a person reads after the run."""
        parts = [f"{len(self.invited)} invited"]
        if self.already_members:
            parts.append(f"{len(self.already_members)} already members")
        if self.invited_before:
            parts.append(f"{len(self.invited_before)} invited by an earlier run")
        if self.inactive:
            parts.append(f"{len(self.inactive)} not invited because they may not log in")
        if self.invalid:
            parts.append(f"{len(self.invalid)} without a valid email")
        if self.errors:
            parts.append(f"{len(self.errors)} refused by Twenty")
        return "Staff invitations: " + ", ".join(parts) + "."


def invite_staff(
    client: TwentyClient,
    journal: Journal,
    users: Iterable[Mapping[str, str]],
    member_emails: set[str],
) -> InvitationOutcome:
    """Invite each active user who is not a member and was not invited by an earlier run."""
    outcome = InvitationOutcome()
    earlier = previously_invited(journal)
    to_invite: list[str] = []
    for user in users:
        raw = str(user.get("email", "")).strip()
        try:
            email = validate_email(raw, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            outcome.invalid.append(f"user {user.get('id', '?')}: {raw or '(no email)'}")
            continue
        if not _may_log_in(user):
            outcome.inactive.append(email)
        elif email in member_emails:
            outcome.already_members.append(email)
        elif email in earlier:
            outcome.invited_before.append(email)
        elif email not in to_invite:
            to_invite.append(email)

    for start in range(0, len(to_invite), INVITATION_BATCH):
        batch = to_invite[start : start + INVITATION_BATCH]
        result = client.graphql.send_invitations(batch)
        refused = {error.split(":", 1)[0].strip().lower() for error in result.errors}
        outcome.errors.extend(result.errors)
        outcome.invited.extend(email for email in batch if email not in refused)
    logger.info(outcome.line())
    return outcome


def previously_invited(journal: Journal) -> set[str]:
    """Return the emails that earlier load runs of this migration invited."""
    invited: set[str] = set()
    for kind in (RunKind.LOAD, RunKind.SAMPLE):
        for run in journal.runs(kind=kind):
            summary = run.summary if isinstance(run.summary, dict) else {}
            invitations = summary.get("invitations") or {}
            invited.update(str(email) for email in invitations.get("invited", []))
    return invited


def _may_log_in(user: Mapping[str, str]) -> bool:
    """Return whether the user may log in to Bluetrait (yes when the export lacks the column)."""
    value = str(user.get("allow_login", "1")).strip().lower()
    return value not in {"0", "false", "no"}

"""Bluetrait users resolved to Twenty workspace members, by email.

Twenty cannot create workspace members through its API, so staff are matched by email to the
members that exist; a user with no member falls back to the mapping's fallback owner, and
every unmatched user is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class MemberDirectory:
    """Finds the workspace member of a Bluetrait user id."""

    member_by_email: dict[str, str]
    email_by_user: dict[str, str]
    fallback_member: str | None = None
    unmatched: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        members: Iterable[Mapping[str, object]],
        users: Iterable[Mapping[str, str]],
        *,
        fallback_email: str | None = None,
    ) -> MemberDirectory:
        """Index Twenty's members by email and Bluetrait's users by id."""
        member_by_email = {
            str(member["userEmail"]).strip().casefold(): str(member["id"])
            for member in members
            if member.get("userEmail")
        }
        email_by_user = {
            str(user.get("id", "")).strip(): str(user.get("email", "")).strip().casefold()
            for user in users
            if user.get("id")
        }
        fallback = None
        if fallback_email:
            fallback = member_by_email.get(fallback_email.strip().casefold())
            if fallback is None:
                logger.warning("Fallback owner %s is not a workspace member", fallback_email)
        return cls(member_by_email, email_by_user, fallback)

    def describe(self, user_id: str) -> str:
        """Return a user as a person can recognise them: the email, or the id if none."""
        email = self.email_by_user.get(user_id.strip())
        return f"user {user_id} <{email}>" if email else f"user {user_id}"

    def resolve(self, user_id: str) -> str | None:
        """Return the member id of a Bluetrait user, the fallback member, or None."""
        email = self.email_by_user.get(user_id.strip())
        member = self.member_by_email.get(email) if email else None
        if member is not None:
            return member
        self.unmatched[user_id] = email or "(user not in the export)"
        return self.fallback_member

"""Who a request acts as: the API key, or a workspace member signed in to the app.

Twenty writes the caller into `createdBy` and `updatedBy` on every write. A request made with an
API key shows the key: source `API` and the key's name. A person editing in the app shows
themselves: source `MANUAL`, their name and their workspace member id. The gateway sets the
actor of each request here, and the record writer reads it.
"""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar

from bt2twenty.sandbox.schema import JsonObject
from bt2twenty.sandbox.workspace import API_KEY_NAME

logger = logging.getLogger(__name__)

_current: ContextVar[JsonObject | None] = ContextVar("sandbox_actor", default=None)


def api_actor() -> JsonObject:
    """Return the actor of a request made with the API key."""
    return {"source": "API", "workspaceMemberId": None, "name": API_KEY_NAME, "context": {}}


def member_actor(member: JsonObject) -> JsonObject:
    """Return the actor of a workspace member editing in the app.

    Twenty's app sends edits with the user's session token, and its actor service then names
    the member with source `MANUAL`.
    NOTE: the `name` format (first and last name joined by a space) is a guess.
    """
    name = member.get("name") or {}
    full_name = " ".join(part for part in (name.get("firstName"), name.get("lastName")) if part)
    return {
        "source": "MANUAL",
        "workspaceMemberId": member["id"],
        "name": full_name,
        "context": {},
    }


def current_actor() -> JsonObject:
    """Return the actor of the request being served (the API key outside any request)."""
    actor = _current.get()
    return dict(actor) if actor is not None else api_actor()


def set_current_actor(actor: JsonObject) -> None:
    """Make `actor` the caller for the rest of the current request's context."""
    _current.set(actor)


def new_session_token() -> str:
    """Return a fresh opaque token for a signed-in member."""
    return secrets.token_urlsafe(32)

"""Who a write shows as its actor: the API key, or a member signed in to the app."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bt2twenty.sandbox import RunningSandbox

MEMBER = "liam.chen@example.com"


def _company(client: httpx.Client) -> dict[str, object]:
    response = client.post("/rest/companies", json={"name": "Actors Pty Ltd"})
    response.raise_for_status()
    record: dict[str, object] = response.json()["data"]["createCompany"]
    return record


def test_api_key_write_shows_key(client: httpx.Client) -> None:
    record = _company(client)

    assert record["createdBy"] == record["updatedBy"]
    assert record["updatedBy"]["source"] == "API"  # type: ignore[index]


def test_member_edit_shows_member(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    record = _company(client)

    with twenty_sandbox.member_client(MEMBER) as member:
        response = member.patch(f"/rest/companies/{record['id']}", json={"name": "Renamed"})
    response.raise_for_status()

    edited = response.json()["data"]["updateCompany"]
    assert edited["updatedBy"]["source"] == "MANUAL"
    assert edited["updatedBy"]["name"] == "Liam Chen"
    assert edited["updatedBy"]["workspaceMemberId"] is not None
    assert edited["createdBy"] == record["createdBy"]
    assert edited["updatedAt"] >= record["updatedAt"]


def test_member_session_not_rate_limited(
    make_sandbox: Callable[..., tuple[RunningSandbox, httpx.Client]],
) -> None:
    sandbox, http = make_sandbox(rate_limit_per_minute=2, rate_limit_per_second=2)
    statuses = [http.get("/rest/companies").status_code for _ in range(3)]
    assert 429 in statuses

    with sandbox.member_client(MEMBER) as member:
        member_statuses = {member.get("/rest/companies").status_code for _ in range(5)}

    assert member_statuses == {200}


def test_sign_in_unknown_member(twenty_sandbox: RunningSandbox) -> None:
    with pytest.raises(ValueError, match="no workspace member"):
        twenty_sandbox.sign_in("nobody@example.com")

"""`run --invite`: active staff are invited once; staff who may not log in are listed."""

from __future__ import annotations

import csv

from bt2twenty.pipeline.load import run_load

from .conftest import EXPORT, Project


def _users() -> list[dict[str, str]]:
    with (EXPORT / "users.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_active_staff_invited(project: Project) -> None:
    active = {u["email"].lower() for u in _users() if u["allow_login"] == "1"}
    inactive = {u["email"].lower() for u in _users() if u["allow_login"] != "1"}

    result = run_load(project.settings, only=["companies"], invite=True)

    assert result.invitations is not None
    assert set(result.invitations.invited) == active
    assert set(result.invitations.inactive) == inactive
    assert {i["email"] for i in project.sandbox.invitations} == active


def test_second_run_invites_nobody(project: Project) -> None:
    run_load(project.settings, only=["companies"], invite=True)
    sent = len(project.sandbox.invitations)

    again = run_load(project.settings, only=["companies"], invite=True)

    assert again.invitations is not None
    assert again.invitations.invited == []
    assert len(again.invitations.invited_before) == sent
    assert len(project.sandbox.invitations) == sent


def test_load_without_flag_invites_nobody(project: Project) -> None:
    result = run_load(project.settings, only=["companies"])

    assert result.invitations is None
    assert project.sandbox.invitations == []

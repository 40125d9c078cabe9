"""Hand-over documents after a real load into the stand-in, and against its workspace members."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bt2twenty.mapping.workflow import confirm
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.verify import run_verify
from bt2twenty.reports.handover import write_handover
from bt2twenty.settings import load_settings

from ..pipeline.conftest import Project

TAKEN_EMAIL = "zoe.lee@parramattabakerypartners.com.au"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _quarantine_existing_people(project: Project) -> None:
    """Make client 1002 collide with a person already in Twenty, under the quarantine policy."""
    path = project.path / "mapping.yaml"
    mapping = load_mapping(path)
    mapping.settings.existing_record_policy = "quarantine"
    save_mapping(mapping, path)
    assert confirm(project.settings).problems == []
    with project.client() as client:
        client.records.create(
            "people",
            {
                "name": {"firstName": "Zoe", "lastName": "Existing"},
                "emails": {"primaryEmail": TAKEN_EMAIL, "additionalEmails": None},
            },
        )


def test_quarantined_rows_listed(project: Project) -> None:
    _quarantine_existing_people(project)
    load = run_load(project.settings, only=["companies", "clients"])
    clients = next(report for report in load.objects if report.source_object == "clients")
    assert clients.counts.quarantined >= 1

    result = write_handover(project.settings)
    assert result.journal_found
    rows = _csv_rows(result.folder / "quarantine.csv")
    assert len(rows) == clients.counts.quarantined
    entry = next(row for row in rows if row["Source id"] == "1002")
    assert entry["Source object"] == "clients"
    assert entry["Record"] == "Zoe Lee"
    assert entry["Reasons"]
    assert entry["Run"] == str(load.run_id)

    summary = {
        row["Source object"]: row for row in _csv_rows(result.folder / "migration-summary.csv")
    }
    assert summary["companies"]["Read by the last load"] == "42"
    assert summary["companies"]["Loaded"] == "42"
    assert summary["companies"]["Records held in Twenty"] == "42"
    assert summary["clients"]["Quarantined"] == str(clients.counts.quarantined)
    assert summary["tickets"]["Read by the last load"] == "not in this run"
    text = (result.folder / "migration-summary.md").read_text(encoding="utf-8")
    assert f"Quarantine: {clients.counts.quarantined} rows held back" in text
    assert f"Run {load.run_id} (load, completed)" in text


def test_members_matched_by_email(project: Project) -> None:
    project.sandbox.add_member("Jack", "Williams", "Jack.Williams@BrightMSP.com.au")
    project.sandbox.add_member("Zoë", "Ryan", "ZOË.RYAN@brightmsp.com.au")

    result = write_handover(project.settings)
    assert result.members.checked
    users = {row["User id"]: row for row in _csv_rows(result.folder / "users-to-invite.csv")}
    assert users["1"]["Twenty member"] == "yes"
    assert users["1"]["Action"] == "none: already a member"
    assert users["5"]["Twenty member"] == "yes"
    assert users["2"]["Twenty member"] == "no"
    assert users["2"]["Action"] == "invite"
    assert users["7"]["Twenty member"] == "no"
    text = (result.folder / "migration-summary.md").read_text(encoding="utf-8")
    assert "6 active users are not members yet" in text
    index = json.loads(result.index_path.read_text())
    assert index["workspace_members"] == "checked"


def test_unreachable_workspace_not_checked(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWENTY_API_KEY", "wrong-key")
    settings = load_settings(project.path, rate_limit_per_minute=100_000, burst_per_second=100_000)

    result = write_handover(settings)
    assert not result.members.checked
    assert "could not be read" in result.members.reason
    text = (result.folder / "users-to-invite.md").read_text(encoding="utf-8")
    assert "Workspace membership: not run yet" in text


def test_review_and_verification_listed(project: Project) -> None:
    load = run_load(project.settings, only=["companies", "clients"])
    run_verify(project.settings)

    result = write_handover(project.settings)

    review = _csv_rows(result.folder / "review.csv")
    assert load.review_path is not None
    assert {row["Source id"] for row in review} >= {"1020", "1133"}
    text = (result.folder / "migration-summary.md").read_text(encoding="utf-8")
    assert "Verification run" in text
    assert ": clean;" in text

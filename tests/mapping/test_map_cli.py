"""The map commands as a user runs them: propose, show, review, confirm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.cli.map_commands import POLICY_FOR_PROBLEM
from bt2twenty.mapping.yamlfile import load_mapping

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TWENTY_API_URL", "BT2TWENTY_TWENTY_URL", "TWENTY_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_propose_then_confirm(project: Path) -> None:
    proposed = runner.invoke(app, ["map", "propose", "--project", str(project)])
    assert proposed.exit_code == 0, proposed.output
    assert "mapping.yaml" in proposed.output

    confirmed = runner.invoke(app, ["map", "confirm", "--project", str(project)])
    assert confirmed.exit_code == 0, confirmed.output
    assert "Mapping confirmed by" in confirmed.output
    assert (project / "mapping.lock").is_file()


def test_show_lists_columns(project: Path) -> None:
    runner.invoke(app, ["map", "propose", "--project", str(project)])
    shown = runner.invoke(app, ["map", "show", "--project", str(project), "--object", "companies"])
    assert shown.exit_code == 0, shown.output
    assert "companies → company" in shown.output
    assert "domainName" in shown.output
    assert "tickets" not in shown.output


def test_confirm_lists_problems(project: Path) -> None:
    runner.invoke(app, ["map", "propose", "--project", str(project)])
    path = project / "mapping.yaml"
    text = path.read_text(encoding="utf-8").replace("Australia/Sydney", "Nowhere/Land")
    path.write_text(text.replace("default_currency: AUD", "default_currency: dollars"))
    result = runner.invoke(app, ["map", "confirm", "--project", str(project)])
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "Nowhere/Land" in result.output
    assert "ISO 4217" in result.output
    assert not (project / "mapping.lock").exists()


def test_review_walks_uncertain_entries(project: Path) -> None:
    profile_path = project / "source-profile.json"
    profile = json.loads(profile_path.read_text())
    companies = next(o for o in profile["objects"] if o["name"] == "companies")
    companies["columns"].append(
        {
            "name": "credit_limit",
            "header": "Credit Limit",
            "type": "money",
            "examples": ["$5,000.00"],
        }
    )
    profile_path.write_text(json.dumps(profile))
    runner.invoke(app, ["map", "propose", "--project", str(project)])

    # The settings come first, and an empty line keeps each setting's current value.
    answers = "\n" * len(POLICY_FOR_PROBLEM) + "s\nnot used\n"
    result = runner.invoke(app, ["map", "review", "--project", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert "companies.credit_limit" in result.output
    assert "$5,000.00" in result.output
    entry = load_mapping(project / "mapping.yaml").objects["companies"].columns["credit_limit"]
    assert entry.skip == "not used"
    assert "skipped on review" in entry.method


def test_missing_profile_says_discover(tmp_path: Path) -> None:
    result = runner.invoke(app, ["map", "propose", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "bt2twenty discover" in result.output


def test_mistyped_project_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["map", "show", "--project", str(tmp_path / "acm")])
    assert result.exit_code == 2
    assert "Project folder not found" in result.output
    status = runner.invoke(app, ["status", "--project", str(tmp_path / "acm")])
    assert status.exit_code == 2
    assert "Project folder not found" in status.output


def test_review_asks_settings_problems_call_for(project: Path) -> None:
    runner.invoke(app, ["map", "propose", "--project", str(project)])
    profile = json.loads((project / "source-profile.json").read_text())
    asked = [
        POLICY_FOR_PROBLEM[p["kind"]]
        for p in profile["problems"]
        if p["kind"] in POLICY_FOR_PROBLEM
    ]
    settings = list(dict.fromkeys(asked))
    answers = {setting: "\n" for setting in settings}
    answers["duplicate_email_policy"] = "link_existing\n"
    answers["tenant_time_zone"] = "Mars/Base\n"
    text = "".join(answers[setting] for setting in settings) + "\n" * 20

    result = runner.invoke(app, ["map", "review", "--project", str(project)], input=text)

    assert result.exit_code == 0, result.output
    assert "settings.duplicate_email_policy = additional_email" in result.output
    saved = load_mapping(project / "mapping.yaml").settings
    assert saved.duplicate_email_policy == "link_existing"
    assert saved.tenant_time_zone == "Australia/Sydney"
    assert "not an IANA time zone" in result.output

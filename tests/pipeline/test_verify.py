"""Read-back verification end to end: a clean run, tampered, missing and extra records."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.verify import VerifyResult, run_verify

from .conftest import Project

CORE = ["companies", "clients", "tickets"]


def _by_source_id(project: Project, objects_path: str) -> dict[str, dict[str, object]]:
    with project.client() as client:
        return {str(r["bluetraitId"]): r for r in client.records.iterate(objects_path)}


def _findings(result: VerifyResult) -> list[dict[str, str]]:
    with result.reports["csv"].open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _object(result: VerifyResult, name: str) -> object:
    return next(item for item in result.objects if item.target_object == name)


@pytest.fixture
def loaded(project: Project) -> Project:
    run_load(project.settings)
    return project


def test_full_run_verifies_clean(loaded: Project) -> None:
    result = run_verify(loaded.settings)

    assert result.is_clean, _findings(result)[:5]
    counts = {item.target_object: item for item in result.objects}
    assert counts["company"].verified == 42
    assert counts["person"].verified == counts["person"].expected
    assert counts["ticket"].verified == 400
    assert counts["note"].verified == counts["note"].expected > 900
    assert counts["noteTarget"].verified == counts["noteTarget"].expected > 900
    assert _findings(result) == []
    markdown = result.reports["markdown"].read_text(encoding="utf-8")
    assert "CLEAN" in markdown
    assert "API era" in markdown


def test_tampered_fields_reported(loaded: Project) -> None:
    companies = _by_source_id(loaded, "companies")
    tickets = _by_source_id(loaded, "tickets")
    with loaded.client() as client:
        client.records.update("companies", str(companies["101"]["id"]), {"name": "Someone Else"})
        client.records.update(
            "tickets",
            str(tickets["10001"]["id"]),
            {"description": {"markdown": "", "blocknote": None}},
        )

    result = run_verify(loaded.settings)

    assert not result.is_clean
    findings = {(f["source_id"], f["field"]): f for f in _findings(result)}
    name = findings[("101", "name")]
    assert name["kind"] == "mismatch"
    assert name["expected"] == companies["101"]["name"]
    assert name["stored"] == "Someone Else"
    body = findings[("10001", "description")]
    assert body["expected"] != "(empty)"
    assert body["stored"] == "(empty)"
    assert _object(result, "company").mismatched_records == 1
    assert "Someone Else" in result.reports["html"].read_text(encoding="utf-8")


def test_equivalent_spellings_verify_clean(loaded: Project) -> None:
    people = _by_source_id(loaded, "people")
    person = people["1001"]
    emails = dict(person["emails"])  # type: ignore[call-overload]
    with loaded.client() as client:
        # Twenty stores emails in lower case and company domains as bare hosts, so these
        # writes keep the meaning the migration sent.
        emails["primaryEmail"] = str(emails["primaryEmail"]).upper()
        client.records.update("people", str(person["id"]), {"emails": emails})

    result = run_verify(loaded.settings)

    assert result.is_clean, _findings(result)[:5]


def test_missing_and_extra_reported(loaded: Project) -> None:
    companies = _by_source_id(loaded, "companies")
    with loaded.client() as client:
        client.records.delete(
            "tickets", str(_by_source_id(loaded, "tickets")["10002"]["id"]), soft=False
        )
        client.records.create("companies", {"name": "Not From Bluetrait", "bluetraitId": "99999"})

    result = run_verify(loaded.settings)

    findings = _findings(result)
    missing = [f for f in findings if f["kind"] == "missing"]
    extra = [f for f in findings if f["kind"] == "extra"]
    assert [(f["target_object"], f["source_id"]) for f in missing] == [("ticket", "10002")]
    assert [(f["target_object"], f["source_id"]) for f in extra] == [("company", "99999")]
    assert "did not write" in extra[0]["reason"]
    assert _object(result, "company").verified == len(companies)


def test_spot_check_sheet_samples_each_object(loaded: Project) -> None:
    loaded.settings = loaded.settings.model_copy(update={"spot_check_size": 5})
    first = run_verify(loaded.settings, seed=7)
    again = run_verify(loaded.settings, seed=7)

    with first.reports["spot_check_csv"].open(encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    records = {(line["source_object"], line["bluetrait_id"]) for line in lines}
    per_object: dict[str, int] = {}
    for source_object, _source_id in records:
        per_object[source_object] = per_object.get(source_object, 0) + 1
    assert per_object["companies"] == 5
    assert per_object["tickets"] == 5
    assert all(line["twenty_link"].startswith(loaded.sandbox.url + "/object/") for line in lines)
    assert all(line["checked"] == "" for line in lines)
    names = [line for line in lines if line["bluetrait_column"] == "name"]
    assert any(line["bluetrait_value"] == line["twenty_value"] for line in names)
    same = first.reports["spot_check_csv"].read_text(encoding="utf-8")
    assert again.reports["spot_check_csv"].read_text(encoding="utf-8") == same
    html = first.reports["spot_check_html"].read_text(encoding="utf-8")
    assert html.count('type="checkbox"') == len(lines)


def test_note_author_resolved_by_lookup(loaded: Project) -> None:
    notes = _by_source_id(loaded, "notes")

    authors = {str(note.get("author")) for note in notes.values()}

    assert any("@" in author for author in authors)


def test_cli_exit_code_follows_result(loaded: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["verify", "--project", str(loaded.path), "--json"]

    clean = runner.invoke(app, args)
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["clean"] is True

    companies = _by_source_id(loaded, "companies")
    with loaded.client() as client:
        client.records.update("companies", str(companies["102"]["id"]), {"name": "Changed"})
    dirty = runner.invoke(app, args)
    assert dirty.exit_code == 1, dirty.output
    assert json.loads(dirty.stdout)["clean"] is False


def test_verify_before_any_run_explains(project: Project) -> None:
    result = CliRunner().invoke(app, ["verify", "--project", str(project.path)])

    assert result.exit_code == 2
    assert "bt2twenty run" in result.output

"""Confirmation: every validation problem listed, the lock written, and refusals explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.mapping.lock import LockError
from bt2twenty.mapping.model import ColumnMapping, ValueOption
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import TargetField, standard_schema
from bt2twenty.mapping.validate import validate_mapping
from bt2twenty.mapping.workflow import check_confirmed, confirm, propose
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.settings import load_settings


def _problems(mapping: Any, profile: dict[str, Any]) -> list[str]:
    return [str(problem) for problem in validate_mapping(mapping, profile, standard_schema())]


def test_proposal_for_reference_is_valid(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    assert _problems(mapping, reference_profile) == []


def test_missing_target_field_reported(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.objects["clients"].columns["position"] = ColumnMapping(target="roleTitle")
    problems = _problems(mapping, reference_profile)
    assert any("clients.position" in p and "'roleTitle' does not exist" in p for p in problems)


def test_incompatible_type_reported(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.objects["companies"].columns["date_added"] = ColumnMapping(
        target="employees", transform="number"
    )
    problems = _problems(mapping, reference_profile)
    assert any("companies.date_added" in p and "NUMBER" in p for p in problems)


def test_unmapped_select_value_reported(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    values = mapping.value_maps["tickets.status_name"].values
    removed = next(iter(values))
    del values[removed]
    problems = _problems(mapping, reference_profile)
    assert any("tickets.status_name" in p and repr(removed) in p for p in problems)


def test_bad_option_value_reported(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    values = mapping.value_maps["tickets.priority_name"].values
    first = next(iter(values))
    values[first] = ValueOption(value="high priority")
    assert any("UPPER_SNAKE_CASE" in p for p in _problems(mapping, reference_profile))


def test_person_name_needs_full_name(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.objects["clients"].columns["name"].transform = "text"
    assert any("full_name transform" in p for p in _problems(mapping, reference_profile))


def test_required_field_uncovered(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.objects["clients"].columns["name"].skip = "not wanted"
    assert any("person.name is required" in p for p in _problems(mapping, reference_profile))


def test_relation_to_skipped_object(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.objects["companies"].skip = "not migrating companies"
    problems = _problems(mapping, reference_profile)
    assert any("clients.company_id" in p and "not migrated" in p for p in problems)


def test_unknown_time_zone(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    mapping.settings.tenant_time_zone = "Australia/Gotham"
    assert any("unknown time zone" in p for p in _problems(mapping, reference_profile))


def test_new_source_column_reported(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    companies = next(o for o in reference_profile["objects"] if o["name"] == "companies")
    companies["columns"].append({"name": "credit_limit", "type": "money"})
    problems = _problems(mapping, reference_profile)
    assert any("companies.credit_limit" in p and "not in the mapping" in p for p in problems)


def test_ambiguous_dates_need_order(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    companies = next(o for o in reference_profile["objects"] if o["name"] == "companies")
    date_added = next(c for c in companies["columns"] if c["name"] == "date_added")
    date_added["dates"]["ambiguous"] = True
    assert any("params.date_order" in p for p in _problems(mapping, reference_profile))


def test_confirm_writes_lock(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    result = confirm(settings)
    assert result.problems == []
    assert result.lock is not None
    lock = json.loads((project / "mapping.lock").read_text())
    assert lock["confirmed_by"]
    assert lock["mapping_sha256"] == result.lock.mapping_sha256
    mapping, _ = check_confirmed(settings)
    assert mapping.objects["companies"].target == "company"


def test_confirm_refuses_with_problems(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    mapping = load_mapping(project / "mapping.yaml")
    mapping.settings.tenant_time_zone = "Mars/Olympus"
    save_mapping(mapping, project / "mapping.yaml")
    result = confirm(settings)
    assert result.problems
    assert result.lock is None
    assert not (project / "mapping.lock").exists()


def test_unconfirmed_mapping_refused(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    with pytest.raises(LockError) as raised:
        check_confirmed(settings)
    assert "map confirm" in str(raised.value)


def test_edited_mapping_refused(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    confirm(settings)
    mapping = load_mapping(project / "mapping.yaml")
    mapping.objects["clients"].columns["position"].skip = "changed my mind"
    save_mapping(mapping, project / "mapping.yaml")
    with pytest.raises(LockError) as raised:
        check_confirmed(settings)
    assert "mapping.yaml was edited" in str(raised.value)
    assert "map confirm" in raised.value.hint


def test_comment_edit_keeps_lock(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    confirm(settings)
    path = project / "mapping.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    check_confirmed(settings)


def test_changed_source_refused(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    confirm(settings)
    profile_path = project / "source-profile.json"
    profile = json.loads(profile_path.read_text())
    tickets = next(o for o in profile["objects"] if o["name"] == "tickets")
    status = next(c for c in tickets["columns"] if c["name"] == "status_name")
    status["distinct_values"]["Escalated"] = 3
    profile_path.write_text(json.dumps(profile))
    with pytest.raises(LockError) as raised:
        check_confirmed(settings)
    assert "the source changed (tickets.status_name.values changed)" in str(raised.value)


def test_changed_target_refused(project: Path) -> None:
    settings = load_settings(project)
    propose(settings)
    confirm(settings)
    schema = standard_schema()
    person = schema.objects["person"]
    changed = dict(person.fields)
    changed["jobTitle"] = TargetField("jobTitle", "Job Title", "NUMBER")
    objects = dict(schema.objects)
    objects["person"] = type(person)(
        person.name_singular, person.name_plural, person.label, changed
    )
    altered = type(schema)(objects=objects, origin="test")
    with pytest.raises(LockError) as raised:
        check_confirmed(settings, schema=altered)
    assert "the Twenty schema changed (person.jobTitle changed)" in str(raised.value)

"""Proposals: the default map for known columns, ranking and new fields for the rest."""

from __future__ import annotations

from typing import Any

from bt2twenty.mapping.naming import is_valid_name
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import standard_schema

from .conftest import column, profile_with


def test_reference_export_fully_mapped(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    for source_object in reference_profile["objects"]:
        entry = mapping.objects[source_object["name"]]
        if entry.skip:
            continue
        for profiled in source_object["columns"]:
            assert profiled["name"] in entry.columns, (source_object["name"], profiled["name"])


def test_every_entry_has_provenance(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    for object_mapping in mapping.objects.values():
        assert object_mapping.method
        assert object_mapping.reason
        for entry in object_mapping.columns.values():
            assert 0.0 <= entry.confidence <= 1.0
            assert entry.method
            assert entry.reason


def test_default_targets_for_companies(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    companies = mapping.objects["companies"]
    assert companies.target == "company"
    assert companies.columns["name"].target == "name"
    assert companies.columns["website"].target == "domainName"
    assert companies.columns["suburb"].target == "address"
    assert companies.columns["suburb"].part == "addressCity"
    assert companies.columns["id"].target == "bluetraitId"
    assert companies.columns["id"].create is not None
    assert companies.columns["id"].create.unique


def test_custom_fields_labelled(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    contract = mapping.objects["companies"].columns["cf_1"]
    assert contract.target == "contractType"
    assert contract.create is not None
    assert contract.create.type == "SELECT"
    assert contract.value_map == "companies.cf_1"
    values = mapping.value_maps["companies.cf_1"].values
    assert values["Break/Fix"].value == "BREAK_FIX"


def test_status_value_map_covers_values(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    tickets = next(o for o in reference_profile["objects"] if o["name"] == "tickets")
    status = next(c for c in tickets["columns"] if c["name"] == "status_name")
    value_map = mapping.value_maps["tickets.status_name"]
    assert set(status["distinct_values"]) <= set(value_map.values)
    option_values = [option.value for option in value_map.values.values()]
    assert len(option_values) == len(set(option_values))


def test_secret_column_skipped(reference_profile: dict[str, Any]) -> None:
    mapping = propose_mapping(reference_profile, standard_schema())
    assert mapping.objects["passwords"].skip


def test_unknown_column_matched_by_name() -> None:
    profile = profile_with("clients", [column("LinkedIn Link", "url")])
    entry = propose_mapping(profile, standard_schema()).objects["clients"].columns["LinkedIn Link"]
    assert entry.target == "linkedinLink"
    assert entry.create is None
    assert entry.method == "name similarity and value profile"
    assert entry.confidence >= 0.8


def test_misspelt_known_column_matched() -> None:
    profile = profile_with("tickets", [column("Priorty")])
    entry = propose_mapping(profile, standard_schema()).objects["tickets"].columns["Priorty"]
    assert entry.target == "priority"
    assert entry.method == "known column, spelt differently"
    assert entry.confidence < 1.0


def test_type_mismatch_not_confident() -> None:
    # "Employees" matches the company field by name, but its values are emails.
    profile = profile_with("companies", [column("employees", "email")])
    entry = propose_mapping(profile, standard_schema()).objects["companies"].columns["employees"]
    assert entry.target != "employees"
    assert entry.create is not None
    assert entry.create.type == "EMAILS"


def test_unmatched_column_gets_new_field() -> None:
    profile = profile_with("companies", [column("Credit Limit $", "money")])
    entry = (
        propose_mapping(profile, standard_schema()).objects["companies"].columns["Credit Limit $"]
    )
    assert entry.create is not None
    assert entry.create.type == "CURRENCY"
    assert entry.target is not None
    assert is_valid_name(entry.target)
    assert entry.confidence < 0.8


def test_low_cardinality_text_becomes_select() -> None:
    values = {"Gold": 40, "Silver": 35, "Bronze": 25}
    profile = profile_with(
        "companies", [column("Support Tier", distinct_values=values, max_length=6)]
    )
    mapping = propose_mapping(profile, standard_schema())
    entry = mapping.objects["companies"].columns["Support Tier"]
    assert entry.create is not None
    assert entry.create.type == "SELECT"
    assert entry.value_map is not None
    assert set(mapping.value_maps[entry.value_map].values) == set(values)


def test_reserved_name_avoided() -> None:
    profile = profile_with("companies", [column("type", distinct_values={"A": 1}, max_length=1)])
    entry = propose_mapping(profile, standard_schema()).objects["companies"].columns["type"]
    assert entry.target != "type"
    assert entry.target is not None
    assert is_valid_name(entry.target)


def test_unrecognised_object_skipped_for_review() -> None:
    profile = profile_with("mystery_table", [column("a")])
    entry = propose_mapping(profile, standard_schema()).objects["mystery_table"]
    assert entry.skip
    assert entry.confidence == 0.0

"""Discovery on the reference export shows every fact its expected-facts file lists."""

from __future__ import annotations

import json
import logging
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bt2twenty.logs import configure_logging
from bt2twenty.sources.bluetrait import open_export, parse_date_value
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.sources.bluetrait.discovery.values import parse_amount

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.fixture
def discovered(reference_export: Path, tmp_path: Path) -> dict[str, Any]:
    profile = discover(reference_export, tmp_path / "out")
    return profile.document


def _problems(document: dict[str, Any], kind: str, object_name: str) -> list[dict[str, Any]]:
    return [
        problem
        for problem in document["problems"]
        if problem["kind"] == kind and problem["object"] == object_name
    ]


def _ids(examples: list[dict[str, Any]]) -> set[int]:
    return {int(example["source_id"]) for example in examples}


def _grouped_ids(
    document: dict[str, Any], kind: str, object_name: str, key: str
) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {}
    for problem in _problems(document, kind, object_name):
        for example in problem["examples"]:
            groups[example[key]] = {int(value) for value in example["source_ids"]}
    return groups


def test_rows_per_object_match(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    objects = {entry["name"]: entry for entry in discovered["objects"]}
    for name, expected in reference_facts["records"].items():
        if name == "passwords_current":
            continue
        assert objects[name]["rows_read"] == expected, name
        assert objects[name]["rows_yielded"] == expected, name
        assert objects[name]["rows_rejected"] == 0, name
        assert objects[name]["source"] == "file", name


def test_current_passwords_counted(
    discovered: dict[str, Any], reference_facts: dict[str, Any]
) -> None:
    passwords = next(entry for entry in discovered["objects"] if entry["name"] == "passwords")
    history = _problems(discovered, "password_history", "passwords")[0]["count"]
    assert passwords["rows_read"] - history == reference_facts["records"]["passwords_current"]


def test_duplicate_company_names(
    discovered: dict[str, Any], reference_facts: dict[str, Any]
) -> None:
    groups = _grouped_ids(discovered, "duplicate_company_name", "companies", "name")
    for check in reference_facts["checks"]:
        if check["kind"] == "duplicate_company_name":
            assert groups[check["name"]] == set(check["source_ids"])


def test_shared_domains(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    groups = _grouped_ids(discovered, "shared_domain", "companies", "domain")
    for check in reference_facts["checks"]:
        if check["kind"] == "shared_domain":
            assert groups[check["domain"]] == set(check["source_ids"])


def test_duplicate_person_emails(
    discovered: dict[str, Any], reference_facts: dict[str, Any]
) -> None:
    groups = _grouped_ids(discovered, "duplicate_person_email", "clients", "email")
    checks = [
        check for check in reference_facts["checks"] if check["kind"] == "duplicate_person_email"
    ]
    assert checks
    for check in checks:
        assert groups[check["email"]] == set(check["source_ids"])


def test_orphan_references(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    checks = [check for check in reference_facts["checks"] if check["kind"] == "orphan_reference"]
    assert checks
    for check in checks:
        found = [
            (int(example["source_id"]), example["field"], int(example["value"]))
            for problem in _problems(discovered, "orphan_reference", check["object"])
            for example in problem["examples"]
        ]
        assert (check["source_id"], check["field"], check["value"]) in found


def test_missing_last_names(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    check = next(
        check for check in reference_facts["checks"] if check["kind"] == "missing_last_name"
    )
    problem = _problems(discovered, "missing_last_name", "clients")[0]
    assert problem["count"] == len(check["source_ids"])
    assert _ids(problem["examples"]) == set(check["source_ids"])


def test_dst_edges(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    checks = [check for check in reference_facts["checks"] if check["kind"] == "dst_edge"]
    assert checks
    for check in checks:
        problem = _problems(discovered, "dst_edge", check["object"])[0]
        assert set(check["source_ids"]) <= _ids(problem["examples"])


def test_gst_mismatch(discovered: dict[str, Any], reference_facts: dict[str, Any]) -> None:
    checks = [check for check in reference_facts["checks"] if check["kind"] == "gst_mismatch"]
    problem = _problems(discovered, "gst_mismatch", "invoices")[0]
    assert {check["source_id"] for check in checks} == _ids(problem["examples"])


def test_merged_ticket_and_mangled_text(discovered: dict[str, Any]) -> None:
    assert _problems(discovered, "merged_ticket", "tickets")[0]["count"] >= 1
    mangled = _problems(discovered, "mangled_text", "companies")[0]
    assert mangled["examples"][0]["proposed"] != mangled["examples"][0]["value"]


def test_custom_fields_labelled(discovered: dict[str, Any], reference_export: Path) -> None:
    with open_export(reference_export) as export:
        labels = {
            (row.values["table_name"], row.values["column"]): row.values["name"]
            for row in export.iter_rows("custom_fields")
        }
    # Clients are users of the Submitter group, so a users custom field may sit on clients.
    holders = {"users": ("users", "clients")}
    objects = {entry["name"]: entry for entry in discovered["objects"]}
    for (table, column), label in labels.items():
        found = [
            entry
            for name in holders.get(table, (table,))
            for entry in objects[name]["columns"]
            if entry["name"] == column
        ]
        assert found, (table, column)
        for entry in found:
            assert entry["custom_field"]["label"] == label
            assert entry["custom_field"]["to_create"]


def test_datetimes_read_as_local_time(
    reference_export: Path, reference_facts: dict[str, Any]
) -> None:
    checks = [check for check in reference_facts["checks"] if check["kind"] == "datetime_utc"]
    assert checks
    with open_export(reference_export) as export:
        for check in checks:
            rows = {row.values["id"]: row.values for row in export.iter_rows(check["object"])}
            local = parse_date_value(rows[str(check["source_id"])][check["field"]])
            assert local is not None
            utc = local.replace(tzinfo=SYDNEY).astimezone(UTC)
            assert utc.strftime("%Y-%m-%dT%H:%M:%SZ") == check["utc"]


def test_money_read_exactly(reference_export: Path, reference_facts: dict[str, Any]) -> None:
    checks = [check for check in reference_facts["checks"] if check["kind"] == "currency_micros"]
    assert checks
    with open_export(reference_export) as export:
        for check in checks:
            rows = {row.values["id"]: row.values for row in export.iter_rows(check["object"])}
            amount = parse_amount(rows[str(check["source_id"])][check["field"]])
            assert amount is not None
            assert round(amount * 1_000_000) == check["amountMicros"]


def test_secrets_never_written(
    reference_export: Path, reference_facts: dict[str, Any], tmp_path: Path
) -> None:
    log_file = tmp_path / "discover.log"
    configure_logging(level=logging.DEBUG, log_file=log_file)
    try:
        discover(reference_export, tmp_path / "out")
    finally:
        configure_logging()

    secrets = next(
        check for check in reference_facts["checks"] if check["kind"] == "secrets_never_output"
    )
    written = [
        tmp_path / "out" / name for name in ("source-profile.json", "scope.md", "scope.html")
    ]
    written.append(log_file)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert text, path
        for secret in secrets["secrets"]:
            assert secret not in text, f"a password secret appears in {path.name}"


def test_scope_lists_checklist_and_estimate(reference_export: Path, tmp_path: Path) -> None:
    discover(reference_export, tmp_path / "out")
    markdown = (tmp_path / "out" / "scope.md").read_text(encoding="utf-8")
    page = (tmp_path / "out" / "scope.html").read_text(encoding="utf-8")
    for text in (markdown, page):
        assert "Standard or Professional" in text
        assert "Xero module" in text
        assert "recurring billing rule" in text
        assert "API calls" in text
        assert "What will not migrate" in text
    profile = json.loads((tmp_path / "out" / "source-profile.json").read_text(encoding="utf-8"))
    assert profile["estimate"]["rate_limit_per_minute"] == 100
    assert profile["estimate"]["batch_size"] == 60


def test_plaintext_secrets_counted(
    discovered: dict[str, Any], reference_facts: dict[str, Any]
) -> None:
    secrets = next(
        check for check in reference_facts["checks"] if check["kind"] == "secrets_never_output"
    )
    problem = _problems(discovered, "plaintext_secrets", "passwords")[0]
    assert problem["count"] == len(secrets["secrets"])
    assert problem["examples"] == []
    assert discovered["facts"]["plaintext_secrets"] == len(secrets["secrets"])


def test_every_fact_kind_checked(reference_facts: dict[str, Any]) -> None:
    checked = {
        "duplicate_company_name",
        "shared_domain",
        "duplicate_person_email",
        "orphan_reference",
        "missing_last_name",
        "backslash_quote",
        "datetime_utc",
        "dst_edge",
        "gst_mismatch",
        "currency_micros",
        "secrets_never_output",
    }
    kinds = {check["kind"] for check in reference_facts["checks"]}
    assert kinds <= checked, f"facts with no test here: {sorted(kinds - checked)}"

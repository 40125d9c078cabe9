"""Payloads built from the reference export: shapes, relations, deduplication and validation."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.journal.models import derive_record_id as record_id
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import TargetField, TargetObject, standard_schema
from bt2twenty.sources.bluetrait import open_export
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.transform.dedupe import (
    CompanyNames,
    PersonEmails,
    SharedDomains,
    normalise_company_name,
)
from bt2twenty.transform.payload import BuiltRecord, RecordBuilder
from bt2twenty.transform.validation import validate_payload

from ..conftest import FIXTURES

EXPORT = FIXTURES / "bluetrait-export"
MIGRATION = "8b0f4c56-4a5e-4c4f-9b44-0c3c1c2f7a10"


@pytest.fixture(scope="module")
def mapping(tmp_path_factory: pytest.TempPathFactory) -> Mapping:
    if not EXPORT.is_dir():
        pytest.skip("reference export not found")
    out = tmp_path_factory.mktemp("profile")
    discover(EXPORT, out)
    profile: dict[str, Any] = json.loads((out / "source-profile.json").read_text())
    return propose_mapping(profile, standard_schema())


def _build(
    mapping: Mapping, object_name: str, known: dict[str, set[str]] | None = None
) -> list[BuiltRecord]:
    ids: dict[str, set[str]] = known or {}

    def resolve(source_object: str, source_id: str) -> str | None:
        if source_object in ids and source_id not in ids[source_object]:
            return None
        return record_id(MIGRATION, source_object, source_id)

    builder = RecordBuilder(
        mapping, standard_schema(), object_name, migration_id=MIGRATION, resolve=resolve
    )
    with open_export(Path(EXPORT)) as export:
        return [builder.build(row.values) for row in export.iter_rows(object_name)]


def _source_ids(object_name: str) -> set[str]:
    with open_export(Path(EXPORT)) as export:
        return {row.values["id"] for row in export.iter_rows(object_name)}


def test_ids_deterministic(mapping: Mapping) -> None:
    first = _build(mapping, "companies")
    second = _build(mapping, "companies")
    assert [r.record_id for r in first] == [r.record_id for r in second]
    assert first[0].record_id == record_id(MIGRATION, "companies", first[0].source_id)
    assert str(uuid.UUID(first[0].record_id)) == first[0].record_id
    assert first[0].payload["bluetraitId"] == first[0].source_id


def test_company_address_gathered(mapping: Mapping) -> None:
    company = next(c for c in _build(mapping, "companies") if c.source_id == "102")
    address = company.payload["address"]
    assert address["addressStreet1"] == "343 Smith St"
    assert address["addressCity"] == "Fremantle"
    assert address["addressState"] == "WA"
    assert address["addressPostcode"] == "6160"
    assert company.payload["domainName"]["primaryLinkUrl"] == "parramattabakerypartners.com.au"
    assert "portal" in company.payload["notes"]["markdown"]


def test_client_links_company(mapping: Mapping) -> None:
    clients = _build(mapping, "clients", {"companies": _source_ids("companies")})
    linked = [c for c in clients if "companyId" in c.payload]
    assert linked
    assert linked[0].payload["companyId"].count("-") == 4


def test_orphan_reference_flagged(mapping: Mapping) -> None:
    clients = _build(mapping, "clients", {"companies": _source_ids("companies")})
    orphan = next(c for c in clients if c.source_id == "1133")
    assert "companyId" not in orphan.payload
    assert any(p.code == "ORPHAN_REFERENCE" and "9999" in p.message for p in orphan.problems)
    assert not orphan.is_rejected


def test_missing_last_names_flagged(mapping: Mapping) -> None:
    clients = _build(mapping, "clients")
    flagged = {
        c.source_id for c in clients if any(p.code == "NAME_WITHOUT_LAST_NAME" for p in c.problems)
    }
    assert {"1020", "1025", "1047", "1054", "1055", "1056", "1073", "1105", "1132"} <= flagged


def test_unplaced_values_kept(mapping: Mapping) -> None:
    companies = _build(mapping, "companies")
    with_extension = [
        c for c in companies if any(p.code == "PHONE_EXTENSION_DROPPED" for p in c.problems)
    ]
    assert with_extension
    kept = with_extension[0].payload["unplacedValues"]
    assert kept.startswith("phone: ")
    assert "ext" in kept.lower() or any(char.isdigit() for char in kept)


def test_dst_time_converted(mapping: Mapping) -> None:
    tickets = {t.source_id: t for t in _build(mapping, "tickets")}
    assert tickets["10043"].payload["createdAt"].startswith("2024-01-14T22:00:00")
    assert tickets["10044"].payload["createdAt"].startswith("2024-07-14T23:00:00")


def test_invoice_total_micros(mapping: Mapping) -> None:
    invoices = {i.source_id: i for i in _build(mapping, "invoices")}
    assert invoices["8001"].payload["total"] == {"amountMicros": 4337670000, "currencyCode": "AUD"}


def test_duplicate_company_suffixed(mapping: Mapping) -> None:
    names = CompanyNames()
    companies = {c.source_id: names.apply(c) for c in _build(mapping, "companies")}
    assert companies["103"].payload["name"] == "Daintree Accounting Pty. Ltd."
    assert companies["141"].payload["name"] == "Daintree Accounting Pty. Ltd. (2)"
    assert any(p.code == "DUPLICATE_COMPANY_NAME" for p in companies["141"].problems)
    assert (
        "141",
        "Daintree Accounting Pty. Ltd.",
        "Daintree Accounting Pty. Ltd. (2)",
    ) in names.duplicates


def test_duplicate_company_quarantined(mapping: Mapping) -> None:
    names = CompanyNames(policy="quarantine")
    companies = {c.source_id: names.apply(c) for c in _build(mapping, "companies")}
    assert companies["141"].is_rejected
    assert not companies["103"].is_rejected


def test_company_name_normalised() -> None:
    assert normalise_company_name("Acme Pty. Ltd.") == normalise_company_name("ACME PTY LTD")
    assert normalise_company_name("Smith and Sons") == normalise_company_name("Smith & Sons")
    assert normalise_company_name("Acme") != normalise_company_name("Acme Group")


@pytest.mark.parametrize("policy", ["additional_email", "link_existing", "quarantine"])
def test_duplicate_email_policy(mapping: Mapping, policy: str) -> None:
    emails = PersonEmails(policy=policy)  # type: ignore[arg-type]
    outcomes = {c.source_id: emails.apply(c) for c in _build(mapping, "clients")}
    first, second = outcomes["1011"], outcomes["1012"]
    address = "shared.inbox@bluegumbuilderspartners.com.au"
    assert first.record.payload["emails"]["primaryEmail"] == address
    assert any(p.code == "DUPLICATE_EMAIL" for p in second.record.problems)
    if policy == "additional_email":
        assert second.record.payload["emails"]["primaryEmail"] != address
        assert address in second.record.payload["emails"]["additionalEmails"]
    if policy == "link_existing":
        assert second.linked_to == first.record.record_id
    if policy == "quarantine":
        assert second.record.is_rejected


def test_shared_domain_first_keeps(mapping: Mapping) -> None:
    companies = _build(mapping, "companies")
    shared = SharedDomains.find_shared(companies)
    assert "sharedgroup.com.au" in shared
    domains = SharedDomains(shared)
    resolved = {c.source_id: domains.apply(c) for c in companies}
    assert resolved["109"].payload["domainName"]["primaryLinkUrl"] == "sharedgroup.com.au"
    assert resolved["110"].payload["domainName"]["primaryLinkUrl"] is None
    assert resolved["110"].payload["domainName"]["secondaryLinks"][0]["url"] == "sharedgroup.com.au"


def test_standard_payloads_validate(mapping: Mapping) -> None:
    person = standard_schema().objects["person"]
    with_bluetrait_id = TargetObject(
        "person",
        "people",
        "Person",
        {
            **person.fields,
            "bluetraitId": TargetField("bluetraitId", "Bluetrait id", "TEXT"),
            "bluetraitUsername": TargetField("bluetraitUsername", "u", "TEXT"),
            "unplacedValues": TargetField("unplacedValues", "Unplaced", "TEXT"),
            "preferredContactMethod": TargetField(
                "preferredContactMethod", "p", "SELECT", options=("EMAIL", "PHONE", "SMS")
            ),
        },
    )
    for client in _build(mapping, "clients"):
        assert validate_payload(client.payload, with_bluetrait_id) == [], client.source_id


def test_validation_lists_every_problem() -> None:
    target = TargetObject(
        "ticket",
        "tickets",
        "Ticket",
        {
            "name": TargetField("name", "Name", "TEXT", is_nullable=False),
            "status": TargetField("status", "Status", "SELECT", options=("OPEN",)),
            "amount": TargetField("amount", "Amount", "CURRENCY"),
            "company": TargetField(
                "company",
                "Company",
                "RELATION",
                relation_target="company",
                relation_type="MANY_TO_ONE",
            ),
        },
    )
    payload = {
        "status": "CLOSED",
        "amount": {"amount": 5},
        "colour": "red",
        "companyId": "x",
        "name": None,
    }
    codes = sorted(p.code for p in validate_payload(payload, target))
    assert codes == [
        "NULL_NOT_ALLOWED",
        "REQUIRED_FIELD_EMPTY",
        "UNKNOWN_FIELD",
        "UNKNOWN_OPTION",
        "WRONG_SHAPE",
    ]


def test_shared_target_ids_prefixed(mapping: Mapping) -> None:
    notes = _build(mapping, "ticket_notes")
    articles = _build(mapping, "articles")
    companies = _build(mapping, "companies")

    assert notes[0].payload["bluetraitId"] == f"ticket_notes:{notes[0].source_id}"
    assert articles[0].payload["bluetraitId"] == f"articles:{articles[0].source_id}"
    assert companies[0].payload["bluetraitId"] == companies[0].source_id

"""Field comparison after Twenty's normalisation: equal meaning passes, other meaning is named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bt2twenty.mapping.target import TargetField, TargetObject
from bt2twenty.pipeline.verify.compare import compare_record

TARGET = TargetObject(
    "company",
    "companies",
    "Company",
    fields={
        name: TargetField(name, name, field_type)
        for name, field_type in {
            "name": "TEXT",
            "employees": "NUMBER",
            "active": "BOOLEAN",
            "foundedOn": "DATE",
            "createdAt": "DATE_TIME",
            "tags": "MULTI_SELECT",
            "emails": "EMAILS",
            "phones": "PHONES",
            "domainName": "LINKS",
            "revenue": "CURRENCY",
            "notes": "RICH_TEXT",
            "address": "ADDRESS",
            "accountOwner": "RELATION",
        }.items()
    },
)


def _blocknote(text: str) -> str:
    block = {"type": "paragraph", "content": [{"type": "text", "text": text, "styles": {}}]}
    return json.dumps([block])


SAME_MEANING: list[tuple[str, Any, Any]] = [
    ("employees", 12, 12.0),
    ("employees", 12, "12"),
    ("active", True, True),
    ("foundedOn", "2020-02-29", "2020-02-29"),
    ("createdAt", "2024-01-14T22:00:00Z", "2024-01-14T22:00:00.000Z"),
    ("createdAt", "2024-01-15T09:00:00+11:00", "2024-01-14T22:00:00.000Z"),
    ("tags", ["A", "B"], ["B", "A"]),
    ("name", "", None),
    ("emails", {"primaryEmail": "Ann@Example.COM"}, {"primaryEmail": "ann@example.com",
                                                    "additionalEmails": []}),
    ("phones", {"primaryPhoneNumber": "0412 345 678", "primaryPhoneCallingCode": "+61"},
     {"primaryPhoneNumber": "412345678", "primaryPhoneCallingCode": "+61",
      "primaryPhoneCountryCode": "AU"}),
    ("domainName", {"primaryLinkUrl": "https://www.Acme.com.au/"},
     {"primaryLinkUrl": "acme.com.au", "primaryLinkLabel": "", "secondaryLinks": None}),
    ("revenue", {"amountMicros": 4337670000, "currencyCode": "aud"},
     {"amountMicros": 4337670000.0, "currencyCode": "AUD"}),
    ("notes", {"markdown": "**Hot** water", "blocknote": _blocknote("Hot water")},
     {"markdown": "Hot water", "blocknote": _blocknote("Hot  water")}),
    ("address", {"addressCity": "Hobart"}, {"addressCity": "Hobart", "addressStreet1": "",
                                           "addressLat": None}),
    ("accountOwnerId", "6F1C2C1E-0000-4000-8000-000000000001",
     "6f1c2c1e-0000-4000-8000-000000000001"),
]  # fmt: skip

OTHER_MEANING: list[tuple[str, Any, Any]] = [
    ("name", "Acme", "Acme Pty Ltd"),
    ("employees", 12, 13),
    ("active", True, False),
    ("createdAt", "2024-01-14T22:00:00Z", "2024-01-14T23:00:00.000Z"),
    ("emails", {"primaryEmail": "ann@example.com"}, {"primaryEmail": "bob@example.com"}),
    ("phones", {"primaryPhoneNumber": "412345678", "primaryPhoneCallingCode": "+61"},
     {"primaryPhoneNumber": "412345679", "primaryPhoneCallingCode": "+61"}),
    ("domainName", {"primaryLinkUrl": "acme.com.au"}, {"primaryLinkUrl": "acme.com"}),
    ("revenue", {"amountMicros": 4337670000, "currencyCode": "AUD"},
     {"amountMicros": 4337670, "currencyCode": "AUD"}),
    ("notes", {"markdown": "Hot water", "blocknote": _blocknote("Hot water")},
     {"markdown": "Hot water", "blocknote": None}),
    ("notes", {"markdown": "Hot water", "blocknote": _blocknote("Hot water")},
     {"markdown": "Hot water", "blocknote": "[]"}),
]  # fmt: skip


@pytest.mark.parametrize(("field", "sent", "stored"), SAME_MEANING)
def test_same_meaning_matches(field: str, sent: Any, stored: Any) -> None:
    assert compare_record({field: sent}, {field: stored}, TARGET) == []


@pytest.mark.parametrize(("field", "sent", "stored"), OTHER_MEANING)
def test_other_meaning_named(field: str, sent: Any, stored: Any) -> None:
    mismatches = compare_record({field: sent}, {field: stored}, TARGET)

    assert [mismatch.field for mismatch in mismatches] == [field]
    assert mismatches[0].expected != mismatches[0].stored


def test_field_absent_from_twenty_named() -> None:
    mismatches = compare_record({"name": "Acme"}, {"id": "x"}, TARGET)

    assert [(m.field, m.expected, m.stored) for m in mismatches] == [("name", "Acme", "(absent)")]


def test_empty_value_absent_matches() -> None:
    assert compare_record({"name": ""}, {}, TARGET) == []


def test_id_not_compared() -> None:
    assert compare_record({"id": "a"}, {"id": "b"}, TARGET) == []

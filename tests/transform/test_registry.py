"""Tests for the converter registry and for rows of the reference Bluetrait export."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from bt2twenty.errors import SettingsError
from bt2twenty.transform import (
    CONVERTERS,
    SUPPORTED_FIELD_TYPES,
    ConversionParameters,
    convert_value,
    converter_for,
    value_map_for,
)

CLIENT_FIELDS = {
    "name": "FULL_NAME",
    "email": "EMAILS",
    "phone_number": "PHONES",
    "mobile": "PHONES",
    "position": "TEXT",
    "allow_login": "BOOLEAN",
    "date_added": "DATE_TIME",
}
TICKET_FIELDS = {
    "subject": "TEXT",
    "status_name": "SELECT",
    "priority_name": "SELECT",
    "tags": "MULTI_SELECT",
    "date_added": "DATE_TIME",
    "date_due": "DATE",
    "archived": "BOOLEAN",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_twenty_type_registered() -> None:
    expected = {
        "TEXT", "FULL_NAME", "EMAILS", "PHONES", "LINKS", "ADDRESS", "CURRENCY", "DATE",
        "DATE_TIME", "BOOLEAN", "NUMBER", "NUMERIC", "ARRAY", "RAW_JSON", "SELECT",
        "MULTI_SELECT", "RATING", "UUID", "RICH_TEXT", "RICH_TEXT_V2",
    }  # fmt: skip

    assert expected == SUPPORTED_FIELD_TYPES
    assert "ADDRESS" not in CONVERTERS


def test_unknown_type_names_supported() -> None:
    with pytest.raises(SettingsError, match="POSITION") as raised:
        converter_for("POSITION")

    assert "ADDRESS, ARRAY" in raised.value.hint


def test_convert_value_dispatches() -> None:
    converted = convert_value("CURRENCY", "$1,100.00")

    assert converted.value == {"amountMicros": 1_100_000_000, "currencyCode": "AUD"}


def test_convert_value_address_mapping() -> None:
    converted = convert_value(
        "ADDRESS", {"address": "1 George St", "suburb": "Sydney", "state": "NSW"}
    )

    assert converted.value is not None


def test_convert_value_mapping_for_scalar_raises() -> None:
    with pytest.raises(TypeError, match="TEXT field takes one value"):
        convert_value("TEXT", {"a": "b"})


def test_reference_clients_convert(reference_export: Path) -> None:
    rows = read_rows(reference_export / "clients.csv")

    rejected = []
    for row in rows:
        for column, field_type in CLIENT_FIELDS.items():
            converted = convert_value(
                field_type, row[column], ConversionParameters(field_name=column)
            )
            if converted.is_rejected:
                rejected.append((row["id"], column, converted.problems))

    assert rows
    assert rejected == []


def test_reference_single_names_flagged(reference_export: Path) -> None:
    rows = read_rows(reference_export / "clients.csv")
    single_names = {"Reception", "Accounts", "Jane", "Leo", "William", "Xavier"}

    flagged = {
        row["name"]
        for row in rows
        if any(
            problem.code == "NAME_WITHOUT_LAST_NAME"
            for problem in convert_value("FULL_NAME", row["name"]).problems
        )
    }

    assert single_names <= flagged


def test_reference_tickets_convert(reference_export: Path) -> None:
    rows = read_rows(reference_export / "tickets.csv")
    maps = {
        column: value_map_for(row[column] for row in rows)
        for column in ("status_name", "priority_name")
    }
    maps["tags"] = value_map_for(tag for row in rows for tag in row["tags"].split(";"))

    rejected = []
    for row in rows:
        for column, field_type in TICKET_FIELDS.items():
            parameters = ConversionParameters(field_name=column, value_map=maps.get(column, {}))
            converted = convert_value(field_type, row[column], parameters)
            if converted.is_rejected:
                rejected.append((row["id"], column, converted.problems))
        body = ConversionParameters(field_name="description", is_html=row["html"] == "1")
        assert convert_value("RICH_TEXT", row["description"], body).value is not None

    assert rows
    assert rejected == []


def test_reference_company_domains(reference_export: Path) -> None:
    rows = read_rows(reference_export / "companies.csv")
    parameters = ConversionParameters(field_name="website", is_domain=True)

    domains = [convert_value("LINKS", row["website"], parameters).value for row in rows]

    hosts = [str(domain["primaryLinkUrl"]) for domain in domains if isinstance(domain, dict)]
    assert hosts
    assert all(host == host.lower() for host in hosts)
    assert not any(host.startswith(("http", "www.")) or host.endswith("/") for host in hosts)


def test_reference_invoice_totals(reference_export: Path) -> None:
    rows = read_rows(reference_export / "invoices.csv")

    for row in rows:
        converted = convert_value(
            "CURRENCY", row["total"], ConversionParameters(currency=row["currency"] or "AUD")
        )
        assert converted.value is not None
        assert converted.value["amountMicros"] == Decimal(row["total"]) * 10**6  # type: ignore[index]


REFERENCE_COLUMNS = [
    ("companies.csv", "name", "TEXT", {}),
    ("companies.csv", "phone", "PHONES", {}),
    ("companies.csv", "website", "LINKS", {"is_domain": True}),
    ("companies.csv", "notes", "RICH_TEXT", {}),
    ("companies.csv", "active", "BOOLEAN", {}),
    ("companies.csv", "date_added", "DATE_TIME", {}),
    ("invoices.csv", "subtotal", "CURRENCY", {}),
    ("invoices.csv", "tax_total", "CURRENCY", {}),
    ("invoices.csv", "date_issued", "DATE", {}),
    ("invoices.csv", "next_run_date", "DATE", {}),
    ("invoices.csv", "notes", "RICH_TEXT", {}),
    ("timesheets.csv", "start_time", "DATE_TIME", {}),
    ("timesheets.csv", "hours", "NUMERIC", {}),
    ("timesheets.csv", "hourly_rate", "CURRENCY", {}),
    ("timesheets.csv", "billable", "BOOLEAN", {}),
    ("agents.csv", "warranty_expires", "DATE", {}),
    ("products.csv", "unit_price", "CURRENCY", {}),
    ("ticket_notes.csv", "description", "RICH_TEXT", {}),
    ("ticket_notes.csv", "date_added", "DATE_TIME", {}),
    ("articles.csv", "description", "RICH_TEXT", {}),
    ("projects.csv", "description", "RICH_TEXT", {}),
    ("invoice_lines.csv", "quantity", "NUMERIC", {}),
    ("tickets.csv", "cc", "EMAILS", {}),
]


@pytest.mark.parametrize(
    ("file_name", "column", "field_type", "options"),
    [pytest.param(*entry, id=f"{entry[0]}-{entry[1]}") for entry in REFERENCE_COLUMNS],
)
def test_reference_column_converts(
    reference_export: Path, file_name: str, column: str, field_type: str, options: dict[str, bool]
) -> None:
    rows = read_rows(reference_export / file_name)
    parameters = ConversionParameters(field_name=column, **options)

    rejected = [
        (row[column], converted.problems)
        for row in rows
        if (converted := convert_value(field_type, row[column], parameters)).is_rejected
    ]

    assert rows
    assert rejected == []


def test_reference_note_in_dst_gap(reference_export: Path) -> None:
    rows = read_rows(reference_export / "ticket_notes.csv")

    codes = [
        problem.code
        for row in rows
        for problem in convert_value("DATE_TIME", row["date_added"]).problems
    ]

    assert "TIME_IN_DST_GAP" in codes


def test_reference_mojibake_company(reference_export: Path) -> None:
    rows = read_rows(reference_export / "companies.csv")
    damaged = [row["name"] for row in rows if "Ã" in row["name"]]

    repaired = [
        convert_value("TEXT", name, ConversionParameters(repair_text=True)) for name in damaged
    ]

    assert damaged
    assert [converted.value for converted in repaired] == ["Café Brulée Pty Ltd"] * len(damaged)


def test_reference_northern_territory_postcode(reference_export: Path) -> None:
    rows = read_rows(reference_export / "companies.csv")
    territory = [row for row in rows if row["state"] == "NT"]

    addresses = [convert_value("ADDRESS", row).value for row in territory]

    assert territory
    assert all(
        isinstance(address, dict) and address["addressPostcode"] == "0800" for address in addresses
    )

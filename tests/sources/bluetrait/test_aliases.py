"""The alias table: file names to objects, headers to canonical columns."""

from __future__ import annotations

import pytest

from bt2twenty.sources.bluetrait.aliases import canonical_column, normalise_header, object_for_file


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("tickets.csv", "tickets"),
        ("Tickets-2024-03-04 10:00:00.csv", "tickets"),
        ("export/Time Entries.csv", "timesheets"),
        ("Contacts.csv", "clients"),
        ("purchase_orders.csv", "invoices"),
        ("bluetrait_companies.csv", "companies"),
        ("locations.csv", None),
    ],
)
def test_object_for_file(file_name: str, expected: str | None) -> None:
    assert object_for_file(file_name) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Ticket #", "ticket_number"),
        ("Date Added", "date_added"),
        (" Company  Name ", "company_name"),
    ],
)
def test_normalise_header(header: str, expected: str) -> None:
    assert normalise_header(header) == expected


@pytest.mark.parametrize(
    ("object_name", "header", "expected"),
    [
        ("tickets", "Ticket #", ("id", True)),
        ("tickets", "Company Name", ("company_name", True)),
        ("tickets", "Assigned To", ("assigned_name", True)),
        ("companies", "Company Name", ("name", True)),
        ("clients", "Job Title", ("position", True)),
        ("invoice_lines", "Qty", ("quantity", True)),
        ("tickets", "cf_12", ("cf_12", True)),
        ("tickets", "Colour", ("colour", False)),
    ],
)
def test_canonical_column(object_name: str, header: str, expected: tuple[str, bool]) -> None:
    assert canonical_column(object_name, header) == expected

"""Table tests for the EMAILS converter."""

from __future__ import annotations

import pytest

from bt2twenty.transform.emails import convert_emails, split_addresses
from bt2twenty.transform.parameters import ConversionParameters

PARAMETERS = ConversionParameters(field_name="email")


@pytest.mark.parametrize(
    ("source", "primary", "additional"),
    [
        pytest.param("mei.singh@gmail.com", "mei.singh@gmail.com", [], id="single"),
        pytest.param("a@x.com; b@y.com", "a@x.com", ["b@y.com"], id="semicolon"),
        pytest.param("a@x.com, b@y.com", "a@x.com", ["b@y.com"], id="comma"),
        pytest.param(
            "a@x.com\nb@y.com\r\nc@z.com", "a@x.com", ["b@y.com", "c@z.com"], id="newlines"
        ),
        pytest.param(
            '"Smith, Jane" <Jane@Example.com>', "jane@example.com", [], id="quoted-name-with-comma"
        ),
        pytest.param(
            "Jane <jane@example.com>; bob@example.com",
            "jane@example.com",
            ["bob@example.com"],
            id="angle-form",
        ),
        pytest.param("Admin@Outback.COM.AU", "admin@outback.com.au", [], id="lower-cased"),
        pytest.param("a@x.com; A@X.com; a@x.com", "a@x.com", [], id="duplicates-removed"),
        pytest.param("mailto:ops@example.com.au", "ops@example.com.au", [], id="mailto"),
    ],
)
def test_emails_split(source: str, primary: str, additional: list[str]) -> None:
    converted = convert_emails(source, PARAMETERS)

    assert converted.value == {"primaryEmail": primary, "additionalEmails": additional}
    assert converted.problems == ()
    assert converted.leftovers == ()


def test_invalid_part_flagged_and_kept() -> None:
    converted = convert_emails("jane@x.com; not-an-email; bob@", PARAMETERS)

    assert converted.value == {"primaryEmail": "jane@x.com", "additionalEmails": []}
    assert [problem.code for problem in converted.problems] == ["EMAIL_INVALID", "EMAIL_INVALID"]
    assert "'not-an-email'" in converted.problems[0].message
    assert converted.leftovers == ("not-an-email", "bob@")


def test_invalid_before_valid_skipped() -> None:
    converted = convert_emails("reception at acme; jane@acme.com.au", PARAMETERS)

    assert converted.value == {"primaryEmail": "jane@acme.com.au", "additionalEmails": []}
    assert converted.leftovers == ("reception at acme",)


def test_only_invalid_gives_no_value() -> None:
    converted = convert_emails("n/a", PARAMETERS)

    assert converted.value is None
    assert converted.is_flagged
    assert not converted.is_rejected
    assert converted.leftovers == ("n/a",)


def test_non_ascii_address_flagged() -> None:
    converted = convert_emails("zoë.brown@bluegum.com.au", PARAMETERS)

    assert converted.value == {"primaryEmail": "zoë.brown@bluegum.com.au", "additionalEmails": []}
    assert [problem.code for problem in converted.problems] == ["EMAIL_NON_ASCII"]


@pytest.mark.parametrize("source", ["", "  ", None, ";;", ", \n"])
def test_empty_emails(source: str | None) -> None:
    converted = convert_emails(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_split_keeps_quoted_comma() -> None:
    parts = split_addresses('"Lee, Zoe" <zoe@x.com>, ops@x.com')

    assert parts == ['"Lee, Zoe" <zoe@x.com>', "ops@x.com"]

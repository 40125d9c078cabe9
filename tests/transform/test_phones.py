"""Table tests for the PHONES converter with Australian numbers."""

from __future__ import annotations

import pytest

from bt2twenty.errors import SettingsError
from bt2twenty.transform.parameters import ConversionParameters
from bt2twenty.transform.phones import convert_phones

PARAMETERS = ConversionParameters(field_name="phone_number")


@pytest.mark.parametrize(
    ("source", "number"),
    [
        pytest.param("0412 345 678", "412345678", id="mobile"),
        pytest.param("0412345678", "412345678", id="mobile-no-spaces"),
        pytest.param("+61 412 345 678", "412345678", id="mobile-international"),
        pytest.param("(02) 9999 0000", "299990000", id="landline-brackets"),
        pytest.param("02 9876 5432", "298765432", id="landline-spaces"),
        pytest.param("+61 7 9810 4084", "798104084", id="landline-international"),
        pytest.param("+61 (0)2 9876 5432", "298765432", id="international-with-trunk-zero"),
        pytest.param("1300 123 456", "1300123456", id="1300-number"),
        pytest.param("1800 123 456", "1800123456", id="1800-number"),
        pytest.param("13 14 50", "131450", id="13-number"),
    ],
)
def test_australian_numbers(source: str, number: str) -> None:
    converted = convert_phones(source, PARAMETERS)

    assert converted.value == {
        "primaryPhoneNumber": number,
        "primaryPhoneCountryCode": "AU",
        "primaryPhoneCallingCode": "+61",
        "additionalPhones": [],
    }
    assert converted.problems == ()


@pytest.mark.parametrize(
    ("source", "number"),
    [
        pytest.param("412345678", "412345678", id="mobile-lost-zero"),
        pytest.param("298765432", "298765432", id="landline-lost-zero"),
        pytest.param("61412345678", "412345678", id="country-code-without-plus"),
    ],
)
def test_guessed_numbers_flagged(source: str, number: str) -> None:
    converted = convert_phones(source, PARAMETERS)

    assert converted.value is not None
    assert converted.value["primaryPhoneNumber"] == number
    assert converted.value["primaryPhoneCallingCode"] == "+61"
    assert [problem.code for problem in converted.problems] == ["PHONE_REPAIRED"]
    assert f"+61{number}" in converted.problems[0].message


def test_extension_flagged_and_kept() -> None:
    converted = convert_phones("02 9999 0000 ext 12", PARAMETERS)

    assert converted.value is not None
    assert converted.value["primaryPhoneNumber"] == "299990000"
    assert [problem.code for problem in converted.problems] == ["PHONE_EXTENSION_DROPPED"]
    assert "extension 12" in converted.problems[0].message
    assert converted.leftovers == ("02 9999 0000 ext 12",)


def test_several_numbers() -> None:
    converted = convert_phones("0412 345 678 / (02) 9999 0000; 0412345678", PARAMETERS)

    assert converted.value is not None
    assert converted.value["primaryPhoneNumber"] == "412345678"
    assert converted.value["additionalPhones"] == [
        {"number": "299990000", "countryCode": "AU", "callingCode": "+61"}
    ]


def test_foreign_number() -> None:
    converted = convert_phones("+64 21 123 4567", PARAMETERS)

    assert converted.value is not None
    assert converted.value["primaryPhoneCountryCode"] == "NZ"
    assert converted.value["primaryPhoneCallingCode"] == "+64"
    assert converted.value["primaryPhoneNumber"] == "211234567"


def test_region_parameter() -> None:
    converted = convert_phones("021 123 4567", ConversionParameters(region="NZ"))

    assert converted.value is not None
    assert converted.value["primaryPhoneCountryCode"] == "NZ"


@pytest.mark.parametrize("source", ["x204", "call reception", "12345"])
def test_unparseable_kept(source: str) -> None:
    converted = convert_phones(source, PARAMETERS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["PHONE_INVALID"]
    assert not converted.is_rejected
    assert converted.leftovers == (source,)


@pytest.mark.parametrize("source", ["", None, "  "])
def test_empty_phones(source: str | None) -> None:
    converted = convert_phones(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_unknown_region_raises() -> None:
    with pytest.raises(SettingsError, match="'XX'"):
        convert_phones("0412 345 678", ConversionParameters(region="XX"))

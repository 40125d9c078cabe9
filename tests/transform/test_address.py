"""Table tests for the ADDRESS converter with Australian addresses."""

from __future__ import annotations

import pytest

from bt2twenty.transform.address import convert_address
from bt2twenty.transform.parameters import ConversionParameters, StateStyle

PARAMETERS = ConversionParameters(field_name="address")

ROW = {
    "address": "300 Macquarie St",
    "suburb": "Chatswood",
    "state": "NSW",
    "postcode": "2067",
    "country": "Australia",
}


def test_bluetrait_columns() -> None:
    converted = convert_address(ROW, PARAMETERS)

    assert converted.value == {
        "addressStreet1": "300 Macquarie St",
        "addressStreet2": "",
        "addressCity": "Chatswood",
        "addressState": "NSW",
        "addressPostcode": "2067",
        "addressCountry": "Australia",
        "addressLat": None,
        "addressLng": None,
    }
    assert converted.problems == ()


@pytest.mark.parametrize(
    ("style", "source", "state"),
    [
        pytest.param(StateStyle.KEEP, "NSW", "NSW", id="keep-abbreviation"),
        pytest.param(StateStyle.KEEP, "New South Wales", "New South Wales", id="keep-full"),
        pytest.param(StateStyle.FULL_NAME, "NSW", "New South Wales", id="expand"),
        pytest.param(StateStyle.FULL_NAME, "vic", "Victoria", id="expand-lower-case"),
        pytest.param(StateStyle.ABBREVIATION, "Western Australia", "WA", id="abbreviate"),
        pytest.param(StateStyle.ABBREVIATION, "Auckland", "Auckland", id="unknown-kept"),
    ],
)
def test_state_style(style: StateStyle, source: str, state: str) -> None:
    parameters = ConversionParameters(state_style=style)

    converted = convert_address({**ROW, "state": source}, parameters)

    assert converted.value is not None
    assert converted.value["addressState"] == state


def test_postcode_leading_zero_kept() -> None:
    converted = convert_address({**ROW, "state": "NT", "postcode": "0800"}, PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressPostcode"] == "0800"
    assert converted.problems == ()


def test_postcode_lost_zero_repaired() -> None:
    converted = convert_address({**ROW, "state": "NT", "postcode": 800}, PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressPostcode"] == "0800"
    assert [problem.code for problem in converted.problems] == ["POSTCODE_REPAIRED"]


def test_country_defaults_to_australia() -> None:
    converted = convert_address({**ROW, "country": ""}, PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressCountry"] == "Australia"


def test_country_code_spelled_out() -> None:
    converted = convert_address({**ROW, "country": "AU"}, PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressCountry"] == "Australia"


def test_foreign_address_untouched() -> None:
    row = {"street": "1 Queen St", "city": "Auckland", "postcode": "101", "country": "New Zealand"}

    converted = convert_address(row, ConversionParameters(state_style=StateStyle.FULL_NAME))

    assert converted.value is not None
    assert converted.value["addressPostcode"] == "101"
    assert converted.value["addressCountry"] == "New Zealand"
    assert converted.problems == ()


def test_twenty_column_names() -> None:
    row = {"addressStreet1": "1 George St", "addressStreet2": "Level 4", "addressCity": "Sydney"}

    converted = convert_address(row, PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressStreet2"] == "Level 4"
    assert converted.value["addressCity"] == "Sydney"


def test_single_street_line() -> None:
    converted = convert_address("  12  Smith St ", PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressStreet1"] == "12 Smith St"


def test_empty_address() -> None:
    converted = convert_address({"address": "", "suburb": None}, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_one_line_address_split() -> None:
    converted = convert_address("Level 4, 300 George St, Sydney NSW 2000", PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressStreet1"] == "Level 4, 300 George St"
    assert converted.value["addressCity"] == "Sydney"
    assert converted.value["addressState"] == "NSW"
    assert converted.value["addressPostcode"] == "2000"


def test_one_line_address_lost_zero() -> None:
    converted = convert_address("1 Mitchell St, Darwin NT 800, Australia", PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressPostcode"] == "0800"
    assert [problem.code for problem in converted.problems] == ["POSTCODE_REPAIRED"]


def test_one_line_without_comma_kept() -> None:
    converted = convert_address("300 George St Sydney NSW 2000", PARAMETERS)

    assert converted.value is not None
    assert converted.value["addressStreet1"] == "300 George St Sydney NSW 2000"
    assert converted.value["addressCity"] == ""

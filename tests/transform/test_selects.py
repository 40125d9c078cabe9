"""Table tests for SELECT and MULTI_SELECT values and generated options."""

from __future__ import annotations

import pytest

from bt2twenty.transform.options import (
    MAX_OPTION_LENGTH,
    OPTION_VALUE_PATTERN,
    TAG_COLORS,
    build_options,
    option_label,
    option_value,
    value_map_for,
)
from bt2twenty.transform.parameters import ConversionParameters
from bt2twenty.transform.selects import convert_multi_select, convert_rating, convert_select

STATUS_MAP = {
    "Open": "OPEN",
    "In Progress": "IN_PROGRESS",
    "Waiting on Client": "WAITING_ON_CLIENT",
}
STATUS = ConversionParameters(field_name="status", value_map=STATUS_MAP)
TAGS = ConversionParameters(
    field_name="tags",
    value_map={"backup": "BACKUP", "printer": "PRINTER", "email": "EMAIL"},
)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("Open", "OPEN", id="exact"),
        pytest.param("  In   Progress ", "IN_PROGRESS", id="spaces"),
        pytest.param("waiting on client", "WAITING_ON_CLIENT", id="case-insensitive"),
    ],
)
def test_select_mapped(source: str, value: str) -> None:
    converted = convert_select(source, STATUS)

    assert converted.value == value
    assert converted.problems == ()


def test_select_unmapped_rejected() -> None:
    converted = convert_select("Escalated", STATUS)

    assert converted.value is None
    assert converted.is_rejected
    assert "'Escalated'" in converted.problems[0].message
    assert "status" in converted.problems[0].message


def test_select_empty() -> None:
    assert convert_select("", STATUS).value is None


def test_multi_select_mapped() -> None:
    converted = convert_multi_select("backup;printer;Backup", TAGS)

    assert converted.value == ["BACKUP", "PRINTER"]


def test_multi_select_unmapped_rejected() -> None:
    converted = convert_multi_select("backup;urgent", TAGS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["SELECT_VALUE_UNMAPPED"]
    assert "'urgent'" in converted.problems[0].message


@pytest.mark.parametrize(
    ("label", "value"),
    [
        pytest.param("In Progress", "IN_PROGRESS", id="spaces"),
        pytest.param("Waiting on Customer - 3rd party", "WAITING_ON_CUSTOMER_3RD_PARTY", id="dash"),
        pytest.param("ALAND ISLANDS", "ALAND_ISLANDS", id="upper-with-space"),
        pytest.param("Break/Fix", "BREAK_FIX", id="slash"),
        pytest.param("3rd party", "OPTION_3RD_PARTY", id="leading-digit"),
        pytest.param("Café Brûlée", "CAFE_BRULEE", id="accents"),
        pytest.param("Straße & Co", "STRASSE_AND_CO", id="eszett-ampersand"),
        pytest.param("日本", "OPTION", id="no-ascii"),
        pytest.param("__a__b__", "A_B", id="underscores"),
    ],
)
def test_option_value(label: str, value: str) -> None:
    assert option_value(label) == value
    assert OPTION_VALUE_PATTERN.match(value)


def test_option_value_truncated() -> None:
    value = option_value("word " * 40)

    assert len(value) <= MAX_OPTION_LENGTH
    assert OPTION_VALUE_PATTERN.match(value)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("Smith, Jones", "Smith - Jones", id="comma"),
        pytest.param("1,000+ seats", "1000+ seats", id="digit-group"),
        pytest.param("  Open  ", "Open", id="trimmed"),
    ],
)
def test_option_label(label: str, expected: str) -> None:
    assert option_label(label) == expected


def test_option_label_truncated() -> None:
    label = option_label("x" * 100)

    assert len(label) == MAX_OPTION_LENGTH
    assert label.endswith("…")


def test_build_options_unique() -> None:
    options = build_options(["In Progress", "in progress!", "IN-PROGRESS", "Open", "Open"])

    assert [option.value for option in options] == [
        "IN_PROGRESS",
        "IN_PROGRESS_2",
        "IN_PROGRESS_3",
        "OPEN",
    ]
    assert [option.position for option in options] == [0, 1, 2, 3]
    assert len({option.label.casefold() for option in options}) == 4


def test_build_options_colours() -> None:
    options = build_options([f"Status {number}" for number in range(30)])

    assert [option.color for option in options[:25]] == list(TAG_COLORS)
    assert options[25].color == TAG_COLORS[0]
    assert build_options(["A", "B"]) == build_options(["A", "B"])


def test_build_options_long_collision() -> None:
    options = build_options(["A" * 80, "A" * 80 + "B"])

    assert options[0].value != options[1].value
    assert all(len(option.value) <= MAX_OPTION_LENGTH for option in options)
    assert all(OPTION_VALUE_PATTERN.match(option.value) for option in options)


def test_value_map_for_reference_statuses() -> None:
    statuses = [
        "Open",
        "In Progress",
        "On Hold",
        "Waiting on Client",
        "Scheduled",
        "Resolved",
        "Closed",
    ]

    value_map = value_map_for(statuses)

    assert value_map["Waiting on Client"] == "WAITING_ON_CLIENT"
    assert value_map["On Hold"] == "ON_HOLD"
    assert len(set(value_map.values())) == len(statuses)


def test_select_invalid_option_rejected() -> None:
    parameters = ConversionParameters(field_name="status", value_map={"Open": "Open now"})

    converted = convert_select("Open", parameters)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["SELECT_OPTION_INVALID"]
    assert "'Open now'" in converted.problems[0].message


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("3", "RATING_3", id="digit"),
        pytest.param("Excellent", "RATING_5", id="mapped-word"),
        pytest.param("excellent", "RATING_5", id="mapped-any-case"),
    ],
)
def test_rating_values(source: str, value: str) -> None:
    parameters = ConversionParameters(
        field_name="satisfaction", value_map={"Excellent": "RATING_5"}
    )

    assert convert_rating(source, parameters).value == value


@pytest.mark.parametrize(
    ("source", "code"), [("6", "SELECT_VALUE_UNMAPPED"), ("Good", "RATING_INVALID")]
)
def test_rating_rejected(source: str, code: str) -> None:
    parameters = ConversionParameters(field_name="satisfaction", value_map={"Good": "GOOD"})

    converted = convert_rating(source, parameters)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == [code]

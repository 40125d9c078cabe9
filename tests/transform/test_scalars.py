"""Table tests for TEXT, BOOLEAN, NUMBER, NUMERIC, ARRAY and RAW_JSON."""

from __future__ import annotations

import pytest

from bt2twenty.transform.parameters import ConversionParameters
from bt2twenty.transform.scalars import (
    convert_array,
    convert_boolean,
    convert_number,
    convert_numeric,
    convert_raw_json,
    convert_text,
    convert_uuid,
)

PARAMETERS = ConversionParameters(field_name="field")


@pytest.mark.parametrize(
    ("source", "text"),
    [
        pytest.param("  Practice Manager  ", "Practice Manager", id="trimmed"),
        pytest.param("Line\x00 one\x07", "Line one", id="control-characters"),
        pytest.param("two\nlines\tand tab", "two\nlines\tand tab", id="line-breaks-kept"),
        pytest.param("Zoë", "Zoë", id="non-ascii"),
        pytest.param("Zoe\u0308", "Zoë", id="nfc-normalised"),
        pytest.param(42, "42", id="integer-cell"),
    ],
)
def test_text_cleaned(source: object, text: str) -> None:
    converted = convert_text(source, PARAMETERS)  # type: ignore[arg-type]

    assert converted.value == text
    assert converted.problems == ()


def test_text_too_long_flagged() -> None:
    parameters = ConversionParameters(field_name="subject", max_length=10)

    converted = convert_text("Printer offline on level 24", parameters)

    assert converted.value == "Printer offline on level 24"
    assert [problem.code for problem in converted.problems] == ["TEXT_TOO_LONG"]
    assert "maximum of 10" in converted.problems[0].message


def test_text_mojibake_flagged() -> None:
    converted = convert_text("CafÃ© BrulÃ©e Pty Ltd", PARAMETERS)

    assert converted.value == "CafÃ© BrulÃ©e Pty Ltd"
    assert [problem.code for problem in converted.problems] == ["MOJIBAKE_DETECTED"]
    assert "Café Brulée" in converted.problems[0].message


def test_text_mojibake_repaired() -> None:
    converted = convert_text("donâ€™t", ConversionParameters(repair_text=True))

    assert converted.value == "don’t"
    assert [problem.code for problem in converted.problems] == ["MOJIBAKE_REPAIRED"]


@pytest.mark.parametrize("source", ["", "   ", None, "\x00"])
def test_text_empty(source: str | None) -> None:
    assert convert_text(source, PARAMETERS).value is None


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("1", True, id="one"),
        pytest.param("0", False, id="zero"),
        pytest.param("Yes", True, id="yes"),
        pytest.param("no", False, id="no"),
        pytest.param("TRUE", True, id="excel-true"),
        pytest.param("false", False, id="false"),
        pytest.param("Y", True, id="y"),
        pytest.param("n", False, id="n"),
        pytest.param(True, True, id="json-true"),
        pytest.param(0, False, id="json-zero"),
    ],
)
def test_boolean_words(source: object, value: bool) -> None:
    converted = convert_boolean(source, PARAMETERS)  # type: ignore[arg-type]

    assert converted.value is value
    assert converted.problems == ()


@pytest.mark.parametrize("source", ["2", "maybe", "yess", "-1"])
def test_boolean_other_rejected(source: str) -> None:
    converted = convert_boolean(source, PARAMETERS)

    assert converted.value is None
    assert converted.is_rejected
    assert repr(source) in converted.problems[0].message


def test_boolean_empty() -> None:
    assert convert_boolean("", PARAMETERS).value is None


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("42", 42, id="integer"),
        pytest.param("1,250", 1250, id="thousands"),
        pytest.param("2.00", 2, id="whole-decimal"),
        pytest.param("1.25", 1.25, id="fraction"),
        pytest.param("-3.5", -3.5, id="negative"),
        pytest.param(7, 7, id="integer-cell"),
    ],
)
def test_number_values(source: object, value: float) -> None:
    converted = convert_number(source, PARAMETERS)  # type: ignore[arg-type]

    assert converted.value == value
    assert converted.problems == ()


def test_number_scientific_flagged() -> None:
    converted = convert_number("5.00E+11", PARAMETERS)

    assert converted.value == 500_000_000_000
    assert [problem.code for problem in converted.problems] == ["NUMBER_SCIENTIFIC_NOTATION"]


def test_number_precision_flagged() -> None:
    converted = convert_number("0.12345678901234567890", PARAMETERS)

    assert isinstance(converted.value, float)
    assert [problem.code for problem in converted.problems] == ["NUMBER_PRECISION_LOST"]


@pytest.mark.parametrize("source", ["abc", "1.2.3", "12a", "$5", "1,2"])
def test_number_invalid_rejected(source: str) -> None:
    converted = convert_number(source, PARAMETERS)

    assert converted.value is None
    assert converted.is_rejected


@pytest.mark.parametrize(
    ("source", "value"),
    [
        pytest.param("1100.00", "1100.00", id="scale-kept"),
        pytest.param("1,100.50", "1100.50", id="thousands-removed"),
        pytest.param("0.12345678901234567890", "0.12345678901234567890", id="exact"),
        pytest.param("-0.5", "-0.5", id="negative"),
    ],
)
def test_numeric_exact(source: str, value: str) -> None:
    converted = convert_numeric(source, PARAMETERS)

    assert converted.value == value
    assert converted.problems == ()


@pytest.mark.parametrize(
    ("source", "items"),
    [
        pytest.param("backup;printer;email", ["backup", "printer", "email"], id="semicolons"),
        pytest.param("a, b ,c", ["a", "b", "c"], id="commas"),
        pytest.param("one\ntwo", ["one", "two"], id="lines"),
        pytest.param(";;a;;", ["a"], id="empty-parts-dropped"),
    ],
)
def test_array_split(source: str, items: list[str]) -> None:
    assert convert_array(source, PARAMETERS).value == items


def test_array_custom_separators() -> None:
    converted = convert_array("a|b,c", ConversionParameters(list_separators="|"))

    assert converted.value == ["a", "b,c"]


def test_raw_json_object() -> None:
    converted = convert_raw_json('{"id": 3311, "online": true}', PARAMETERS)

    assert converted.value == {"id": 3311, "online": True}


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("[1, 2]", "JSON_NOT_OBJECT", id="array"),
        pytest.param('"text"', "JSON_NOT_OBJECT", id="string"),
        pytest.param("{not json", "JSON_INVALID", id="broken"),
        pytest.param('{"a": NaN}', "JSON_INVALID", id="nan"),
    ],
)
def test_raw_json_rejected(source: str, code: str) -> None:
    converted = convert_raw_json(source, PARAMETERS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == [code]


def test_uuid_canonical() -> None:
    converted = convert_uuid("FA82CA39-7DD2-44DD-D217-2BD4498DAF6E", PARAMETERS)

    assert converted.value == "fa82ca39-7dd2-44dd-d217-2bd4498daf6e"


def test_uuid_invalid_rejected() -> None:
    converted = convert_uuid("INV-008002", PARAMETERS)

    assert converted.value is None
    assert converted.is_rejected

"""Table tests for the CURRENCY converter."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bt2twenty.errors import SettingsError
from bt2twenty.transform.currency import convert_currency, to_micros
from bt2twenty.transform.parameters import ConversionParameters

PARAMETERS = ConversionParameters(field_name="total")


@pytest.mark.parametrize(
    ("source", "micros", "code"),
    [
        pytest.param("$1,100.00", 1_100_000_000, "AUD", id="dollar-thousands"),
        pytest.param("1100", 1_100_000_000, "AUD", id="bare-integer"),
        pytest.param("1234.56", 1_234_560_000, "AUD", id="cents"),
        pytest.param("-$50.00", -50_000_000, "AUD", id="minus-before-symbol"),
        pytest.param("$-50.00", -50_000_000, "AUD", id="minus-after-symbol"),
        pytest.param("($50.00)", -50_000_000, "AUD", id="accounting-brackets"),
        pytest.param("50.00-", -50_000_000, "AUD", id="trailing-minus"),
        pytest.param("AUD 10", 10_000_000, "AUD", id="code-before"),
        pytest.param("1,100.00 AUD", 1_100_000_000, "AUD", id="code-after"),
        pytest.param("NZD 10", 10_000_000, "NZD", id="other-code"),
        pytest.param("aud10", 10_000_000, "AUD", id="code-lower-case-attached"),
        pytest.param("US$5", 5_000_000, "USD", id="us-dollar-symbol"),
        pytest.param("€7.50", 7_500_000, "EUR", id="euro-symbol"),
        pytest.param("0", 0, "AUD", id="zero"),
        pytest.param("0.000001", 1, "AUD", id="one-micro"),
        pytest.param("1 234.50", 1_234_500_000, "AUD", id="space-thousands"),
        pytest.param(165, 165_000_000, "AUD", id="integer-cell"),
        pytest.param(Decimal("3943.34"), 3_943_340_000, "AUD", id="decimal-cell"),
    ],
)
def test_amounts(source: object, micros: int, code: str) -> None:
    converted = convert_currency(source, PARAMETERS)  # type: ignore[arg-type]

    assert converted.value == {"amountMicros": micros, "currencyCode": code}
    assert converted.problems == ()


def test_default_currency_parameter() -> None:
    converted = convert_currency("$10", ConversionParameters(currency="NZD"))

    assert converted.value == {"amountMicros": 10_000_000, "currencyCode": "NZD"}


@pytest.mark.parametrize("source", ["1.234,56", "1,5", "12,34"])
def test_comma_decimal_ambiguous(source: str) -> None:
    converted = convert_currency(source, PARAMETERS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == ["CURRENCY_AMBIGUOUS"]
    assert converted.is_rejected
    assert "comma-decimal" in converted.problems[0].message


def test_comma_decimal_parameter() -> None:
    converted = convert_currency("1.234,56", ConversionParameters(comma_decimal=True))

    assert converted.value == {"amountMicros": 1_234_560_000, "currencyCode": "AUD"}


def test_more_than_six_decimals_rounded() -> None:
    converted = convert_currency("0.0000015", PARAMETERS)

    assert converted.value == {"amountMicros": 2, "currencyCode": "AUD"}
    assert [problem.code for problem in converted.problems] == ["CURRENCY_ROUNDED"]


def test_rounding_half_away_from_zero() -> None:
    assert to_micros(Decimal("-0.0000005")) == -1
    assert to_micros(Decimal("0.0000005")) == 1
    assert to_micros(Decimal("0.00000049")) == 0


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("abc", "CURRENCY_CODE_UNKNOWN", id="word"),
        pytest.param("XYZ 10", "CURRENCY_CODE_UNKNOWN", id="unknown-code"),
        pytest.param("$", "CURRENCY_INVALID", id="symbol-only"),
        pytest.param("1.2.3", "CURRENCY_INVALID", id="two-dots"),
        pytest.param("5e3", "CURRENCY_INVALID", id="exponent"),
    ],
)
def test_invalid_amounts(source: str, code: str) -> None:
    converted = convert_currency(source, PARAMETERS)

    assert converted.value is None
    assert [problem.code for problem in converted.problems] == [code]
    assert converted.is_rejected


@pytest.mark.parametrize("source", ["", None, "  "])
def test_empty_amount(source: str | None) -> None:
    converted = convert_currency(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_unknown_default_currency_raises() -> None:
    with pytest.raises(SettingsError, match="'DOLLARS'"):
        convert_currency("10", ConversionParameters(currency="DOLLARS"))

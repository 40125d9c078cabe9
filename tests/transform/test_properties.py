"""Property tests: converters never crash on any text and keep what they must keep."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bt2twenty.transform import CONVERTERS, ConversionParameters, convert_value
from bt2twenty.transform.currency import convert_currency
from bt2twenty.transform.datetimes import convert_date_time, format_instant
from bt2twenty.transform.emails import convert_emails
from bt2twenty.transform.options import MAX_OPTION_LENGTH, OPTION_VALUE_PATTERN, build_options
from bt2twenty.transform.result import Converted

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LOCAL_PART = st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8})?", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9]{1,10}\.(com|net|org|com\.au|io)", fullmatch=True)
EMAIL = st.builds(lambda local, domain: f"{local}@{domain}", LOCAL_PART, DOMAIN)
SEPARATOR = st.sampled_from(["; ", ",", "\n", " ; ", ";\r\n"])
JUNK = st.sampled_from(["n/a", "none", "bob@", "@acme.com", "reception", "x y"])


def _check_shape(converted: Converted[object]) -> None:
    assert isinstance(converted.problems, tuple)
    for problem in converted.problems:
        assert problem.code
        assert problem.message
    if converted.value is None:
        return
    assert converted.value != ""


@pytest.mark.parametrize("field_type", sorted(CONVERTERS))
@SETTINGS
@given(text=ANY_TEXT)
def test_converters_never_crash(field_type: str, text: str) -> None:
    converted = convert_value(field_type, text, ConversionParameters(value_map={"A": "A"}))

    _check_shape(converted)


@SETTINGS
@given(text=ANY_TEXT)
def test_address_never_crashes(text: str) -> None:
    converted = convert_value("ADDRESS", {"address": text, "suburb": text, "postcode": text[:4]})

    _check_shape(converted)


@SETTINGS
@given(
    addresses=st.lists(EMAIL, min_size=1, max_size=6),
    junk=st.lists(JUNK, max_size=3),
    separator=SEPARATOR,
)
def test_every_valid_email_kept_once(addresses: list[str], junk: list[str], separator: str) -> None:
    cell = separator.join([*junk, *addresses])

    converted = convert_emails(cell, ConversionParameters())

    assert converted.value is not None
    output = [converted.value["primaryEmail"], *converted.value["additionalEmails"]]  # type: ignore[list-item]
    assert sorted(output) == sorted(set(addresses))
    assert output[0] == addresses[0]
    assert len(converted.leftovers) == len(junk)


@SETTINGS
@given(
    amount=st.decimals(
        min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
    )
)
def test_currency_micros_exact(amount: Decimal) -> None:
    converted = convert_currency(format(amount, "f"), ConversionParameters())

    assert converted.value is not None
    assert converted.value["amountMicros"] == amount * 10**6
    assert converted.problems == ()


@SETTINGS
@given(
    amount=st.decimals(
        min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_currency_formats_agree(amount: Decimal) -> None:
    plain = convert_currency(format(amount, "f"), ConversionParameters()).value
    dollars = convert_currency(f"${amount:,.2f}", ConversionParameters()).value
    bracketed = convert_currency(f"(${amount:,.2f})", ConversionParameters()).value

    assert plain == dollars
    assert bracketed is not None
    assert bracketed["amountMicros"] == -amount * 10**6


@SETTINGS
@given(labels=st.lists(ANY_TEXT, max_size=40))
def test_option_values_valid_and_unique(labels: list[str]) -> None:
    options = build_options(labels)

    values = [option.value for option in options]
    assert len(values) == len(set(values))
    for option in options:
        assert OPTION_VALUE_PATTERN.match(option.value), option.value
        assert len(option.value) <= MAX_OPTION_LENGTH
        assert 0 < len(option.label) <= MAX_OPTION_LENGTH
        assert "," not in option.label


@contextmanager
def machine_zone(zone: str) -> Iterator[None]:
    """Run the block with the process time zone set to `zone`, then restore it."""
    original = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if original is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = original
        time.tzset()


MACHINE_ZONES = ["UTC", "America/Los_Angeles", "Asia/Kathmandu", "Australia/Lord_Howe"]


@SETTINGS
@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)))
def test_date_time_same_in_every_machine_zone(moment: datetime) -> None:
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    results = set()
    for zone in MACHINE_ZONES:
        with machine_zone(zone):
            results.add(convert_date_time(text, ConversionParameters()).value)

    assert len(results) == 1


@SETTINGS
@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)))
def test_date_time_formats_agree(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    iso = convert_date_time(moment.strftime("%Y-%m-%d %H:%M:%S"), ConversionParameters()).value
    day_first = convert_date_time(
        moment.strftime("%d/%m/%Y %I:%M %p"), ConversionParameters()
    ).value
    display = convert_date_time(
        moment.strftime("%a %b %d, %Y, %I:%M %p"), ConversionParameters()
    ).value

    assert iso == day_first == display


def test_format_instant_milliseconds() -> None:
    assert (
        format_instant(datetime(2024, 3, 4, 3, 15, 0, 250999, tzinfo=UTC))
        == "2024-03-04T03:15:00.250Z"
    )

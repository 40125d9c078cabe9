"""Property tests: converters never crash on any text and keep what they must keep."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nameparser.config import CONSTANTS

from bt2twenty.transform import (
    CONVERTERS,
    AmbiguousTimePolicy,
    ConversionParameters,
    SingleNamePolicy,
    StateStyle,
    convert_value,
)
from bt2twenty.transform.currency import convert_currency
from bt2twenty.transform.datetimes import convert_date_time, format_instant
from bt2twenty.transform.emails import convert_emails
from bt2twenty.transform.links import normalise_domain
from bt2twenty.transform.names import convert_full_name
from bt2twenty.transform.options import MAX_OPTION_LENGTH, OPTION_VALUE_PATTERN, build_options
from bt2twenty.transform.phones import convert_phones
from bt2twenty.transform.result import Converted
from bt2twenty.transform.richtext import convert_rich_text

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The crash test runs for every field type and parameter variant, so each gets fewer cases.
CRASH_SETTINGS = settings(SETTINGS, max_examples=100)

LOCAL_PART = st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8})?", fullmatch=True)
# A first label of "www" is excluded: Twenty drops it, so "www.com" rightly becomes "com".
DOMAIN = st.from_regex(r"[a-z][a-z0-9]{1,10}\.(com|net|org|com\.au|io)", fullmatch=True).filter(
    lambda host: not host.startswith("www.")
)
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


PARAMETER_VARIANTS = [
    ConversionParameters(value_map={"A": "A"}),
    ConversionParameters(
        day_first=False,
        ambiguous_time=AmbiguousTimePolicy.LATER,
        single_name=SingleNamePolicy.REJECT,
        state_style=StateStyle.FULL_NAME,
        comma_decimal=True,
        max_length=5,
        repair_text=True,
        is_domain=True,
        is_html=True,
        region="NZ",
        time_zone="Pacific/Chatham",
    ),
]


@pytest.mark.parametrize("variant", range(len(PARAMETER_VARIANTS)))
@pytest.mark.parametrize("field_type", sorted(CONVERTERS))
@CRASH_SETTINGS
@given(text=ANY_TEXT)
def test_converters_never_crash(field_type: str, variant: int, text: str) -> None:
    converted = convert_value(field_type, text, PARAMETER_VARIANTS[variant])

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


def is_valid_australian(number: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(number, "AU"))


# Mobile numbers that libphonenumber's metadata lists as allocated in Australia.
MOBILE = st.from_regex(r"04[0-9]{8}", fullmatch=True).filter(is_valid_australian)


@SETTINGS
@given(numbers=st.lists(MOBILE, min_size=1, max_size=5), separator=SEPARATOR)
def test_every_valid_phone_kept_once(numbers: list[str], separator: str) -> None:
    spaced = [f"{n[:4]} {n[4:7]} {n[7:]}" for n in numbers]

    converted = convert_phones(separator.join(spaced), ConversionParameters())

    assert converted.value is not None
    additional = converted.value["additionalPhones"]
    assert isinstance(additional, list)
    output = [converted.value["primaryPhoneNumber"], *(phone["number"] for phone in additional)]
    assert output == list(dict.fromkeys(number[1:] for number in numbers))


@SETTINGS
@given(host=DOMAIN, prefix=st.sampled_from(["", "www.", "http://", "https://www.", "HTTPS://"]))
def test_domain_normalised_once(host: str, prefix: str) -> None:
    once = normalise_domain(f"{prefix}{host.upper()}/path/")

    assert once == host
    assert normalise_domain(once) == once


# Words nameparser reads as titles, particles, suffixes or conjunctions are left out:
# "Van Smith" is a surname with a particle, not a first and a last name.
NAME_VOCABULARY = (
    CONSTANTS.titles,
    CONSTANTS.prefixes,
    CONSTANTS.suffix_acronyms,
    CONSTANTS.suffix_not_acronyms,
    CONSTANTS.conjunctions,
)
NAME_WORD = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
    lambda word: not any(word.lower() in vocabulary for vocabulary in NAME_VOCABULARY)
)


@SETTINGS
@given(first=NAME_WORD, last=NAME_WORD)
def test_two_word_name_kept(first: str, last: str) -> None:
    plain = convert_full_name(f"{first} {last}", ConversionParameters()).value
    reversed_order = convert_full_name(f"{last}, {first}", ConversionParameters()).value
    shouted = convert_full_name(f"{first.upper()} {last.upper()}", ConversionParameters()).value

    assert plain == {"firstName": first, "lastName": last}
    assert reversed_order == plain
    assert shouted is not None
    assert shouted["firstName"].lower() == first.lower()
    assert shouted["lastName"].lower() == last.lower()


WORD = st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True)


@SETTINGS
@given(paragraphs=st.lists(st.lists(WORD, min_size=1, max_size=8), min_size=1, max_size=5))
def test_plain_text_words_kept(paragraphs: list[list[str]]) -> None:
    source = "\n\n".join(" ".join(words) for words in paragraphs)

    converted = convert_rich_text(source, ConversionParameters(is_html=False))

    assert converted.value is not None
    markdown = converted.value["markdown"]
    blocknote = converted.value["blocknote"]
    assert markdown is not None
    assert blocknote is not None
    for words in paragraphs:
        for word in words:
            assert word in markdown
            assert word in blocknote


@SETTINGS
@given(day=st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 12, 31)))
def test_date_only_kept_exactly(day: date) -> None:
    iso = convert_value("DATE", day.isoformat()).value
    slashed = convert_value("DATE", day.strftime("%d/%m/%Y")).value

    assert iso == day.isoformat()
    assert slashed == day.isoformat()

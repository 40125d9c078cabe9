"""Converter for PHONES: one or more numbers into Twenty's primary and additional phones."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import CountryCodeSource, NumberParseException, PhoneNumber, PhoneNumberFormat

from bt2twenty.errors import SettingsError
from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag
from bt2twenty.transform.source import source_text

Phones = dict[str, object]

# Separators between numbers in one cell. People do not normally write a comma or a slash
# inside one Australian number, so both are read as separating two numbers.
_SEPARATORS = re.compile(r"[;,/\r\n]+|\s+or\s+", re.IGNORECASE)
_DIGITS_ONLY = re.compile(r"^\d+$")
LOST_ZERO = "a leading zero lost to a spreadsheet was put back"


@dataclass(frozen=True)
class ParsedPhone:
    """One number as Twenty stores it, with what was guessed or left out."""

    number: str
    country_code: str
    calling_code: str
    extension: str | None
    repair: str | None


def check_region(region: str) -> None:
    """Raise `SettingsError` unless libphonenumber lists `region` among its regions."""
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(
            f"unknown phone region {region!r} in the conversion settings",
            hint="Set the default phone region to an ISO 3166 code such as AU.",
        )


def split_numbers(text: str) -> list[str]:
    """Split a cell into numbers on `;`, `,`, `/`, line breaks and the word "or"."""
    parts = (part.strip() for part in _SEPARATORS.split(text))
    return [part for part in parts if part]


def _parse(text: str, region: str) -> PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region, keep_raw_input=True)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def describe_guess(text: str, number: PhoneNumber, region: str) -> str | None:
    """Describe what libphonenumber assumed about a bare-digit number, or return `None`.

    A number like "412345678" lost its trunk zero in a spreadsheet, and "61412345678"
    carries the country code without its plus sign. Both parse, but both are guesses.
    """
    digits = re.sub(r"[\s.()-]", "", text)
    if not _DIGITS_ONLY.match(digits):
        return None

    source = number.country_code_source
    if source == CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN:
        return f"it was read as an international number with country code {number.country_code}"

    trunk_prefix = phonenumbers.ndd_prefix_for_region(region, True) or ""
    national_format = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    national_digits = re.sub(r"\D", "", national_format)
    if (
        trunk_prefix
        and national_digits.startswith(trunk_prefix)
        and not digits.startswith(trunk_prefix)
    ):
        return LOST_ZERO
    return None


def _repair_candidates(text: str) -> list[str]:
    """List digit-only spellings to try when `text` does not parse as it is.

    A spreadsheet drops the leading zero of "0412345678", and people write the country
    code without its plus sign ("61412345678").
    """
    digits = re.sub(r"[\s.()-]", "", text)
    if not _DIGITS_ONLY.match(digits):
        return []
    return ["0" + digits, "+" + digits]


def _describe_repair(candidate: str, number: PhoneNumber) -> str:
    if candidate.startswith("+"):
        return f"it was read as an international number with country code {number.country_code}"
    return LOST_ZERO


def parse_phone(text: str, region: str) -> ParsedPhone | None:
    """Parse one number with `region` as the default, trying known repairs; `None` if invalid."""
    number = _parse(text, region)
    repair = describe_guess(text, number, region) if number is not None else None
    if number is None:
        for candidate in _repair_candidates(text):
            number = _parse(candidate, region)
            if number is not None:
                repair = _describe_repair(candidate, number)
                break
    if number is None:
        return None

    country = phonenumbers.region_code_for_number(number) or region
    national = phonenumbers.national_significant_number(number)
    return ParsedPhone(
        number=national,
        country_code=country,
        calling_code=f"+{number.country_code}",
        extension=number.extension,
        repair=repair,
    )


def _phone_problems(
    text: str, phone: ParsedPhone, parameters: ConversionParameters
) -> list[Problem]:
    field = parameters.field_name
    problems: list[Problem] = []
    if phone.repair is not None:
        problems.append(
            flag(
                "PHONE_REPAIRED",
                f"{field} {text!r} was read with a guess ({phone.repair}), giving"
                f" {phone.calling_code}{phone.number}; check it against the source.",
            )
        )
    if phone.extension:
        problems.append(
            flag(
                "PHONE_EXTENSION_DROPPED",
                f"{field} {text!r} has extension {phone.extension}, which a Twenty phone"
                " cannot hold; it is returned as a leftover so it can go in a text field.",
            )
        )
    return problems


def _unparseable(text: str, parameters: ConversionParameters) -> Problem:
    return flag(
        "PHONE_INVALID",
        f"{parameters.field_name} {text!r} is not a valid phone number for region"
        f" {parameters.region}; it is returned as a leftover for a text field. Correct it in"
        " the source or confirm the text field.",
    )


def _as_payload(phones: list[ParsedPhone]) -> Phones:
    primary, *others = phones
    additional = [
        {"number": p.number, "countryCode": p.country_code, "callingCode": p.calling_code}
        for p in others
    ]
    return {
        "primaryPhoneNumber": primary.number,
        "primaryPhoneCountryCode": primary.country_code,
        "primaryPhoneCallingCode": primary.calling_code,
        "additionalPhones": additional,
    }


def convert_phones(raw: SourceValue, parameters: ConversionParameters) -> Converted[Phones]:
    """Convert to PHONES, the first valid number primary and the rest additional.

    Numbers are parsed with libphonenumber and `parameters.region` as the default region.
    The primary parts are the national number digits, the ISO country code (`AU`) and the
    calling code (`+61`). Unparseable numbers and dropped extensions are flagged and
    returned as leftovers, never lost.
    """
    check_region(parameters.region)
    phones: list[ParsedPhone] = []
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    leftovers: list[str] = []

    for text in split_numbers(source_text(raw)):
        phone = parse_phone(text, parameters.region)
        if phone is None:
            problems.append(_unparseable(text, parameters))
            leftovers.append(text)
            continue

        problems.extend(_phone_problems(text, phone, parameters))
        if phone.extension:
            leftovers.append(text)
        key = (phone.calling_code, phone.number)
        if key not in seen:
            seen.add(key)
            phones.append(phone)

    if not phones:
        return Converted(value=None, problems=tuple(problems), leftovers=tuple(leftovers))
    return Converted(
        value=_as_payload(phones), problems=tuple(problems), leftovers=tuple(leftovers)
    )

"""Converter for EMAILS: one or more addresses into Twenty's primary and additional emails."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from bt2twenty.transform.parameters import ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag
from bt2twenty.transform.source import source_text

Emails = dict[str, object]

# Separators between addresses: semicolons, commas and line breaks outside double quotes
# and angle brackets, so `"Smith, Jane" <jane@example.com>` stays one part.
_PART_PATTERN = re.compile(r'(?:"[^"]*"|<[^>]*>|[^;,\r\n"<])+')
_ANGLE_ADDRESS = re.compile(r"<([^<>]*)>")


def split_addresses(text: str) -> list[str]:
    """Split a cell into address parts on `;`, `,` and line breaks, keeping quoted names whole."""
    parts = (match.group(0).strip() for match in _PART_PATTERN.finditer(text))
    return [part for part in parts if part]


def extract_address(part: str) -> str:
    """Return the bare address of `"Name" <addr>`, `Name <addr>` or `mailto:addr`."""
    match = _ANGLE_ADDRESS.search(part)
    address = match.group(1) if match else part
    address = address.strip().strip("'\"").strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    return address.strip()


def normalise_address(address: str) -> str | None:
    """Validate `address` without any network lookup and return it in lower case.

    Returns `None` when the address is invalid.
    """
    try:
        validated = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return validated.normalized.lower()


def _invalid_address(part: str, reason: str, parameters: ConversionParameters) -> Problem:
    return flag(
        "EMAIL_INVALID",
        f"{parameters.field_name} contains {part!r}, which is not a valid email address"
        f" ({reason}); it was left out of the emails. Correct it in the source or keep it"
        " in a text field.",
    )


def _non_ascii_address(address: str, parameters: ConversionParameters) -> Problem:
    return flag(
        "EMAIL_NON_ASCII",
        f"{parameters.field_name} address {address!r} contains non-ASCII characters, which"
        " many mail systems reject; check that it is the address the person really uses.",
    )


def _reason_invalid(address: str) -> str:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error).rstrip(".")
    return "unknown reason"


def convert_emails(raw: SourceValue, parameters: ConversionParameters) -> Converted[Emails]:
    """Convert to EMAILS `{primaryEmail, additionalEmails}`.

    The first valid address is primary and the other valid ones are additional, in source
    order, lower-cased, without duplicates. Invalid parts are flagged and returned as
    leftovers.
    """
    addresses: list[str] = []
    problems: list[Problem] = []
    leftovers: list[str] = []

    for part in split_addresses(source_text(raw)):
        address = extract_address(part)
        normalised = normalise_address(address)
        if normalised is None:
            problems.append(_invalid_address(part, _reason_invalid(address), parameters))
            leftovers.append(part)
            continue
        if normalised not in addresses:
            addresses.append(normalised)

    if not addresses:
        return Converted(value=None, problems=tuple(problems), leftovers=tuple(leftovers))

    problems.extend(
        _non_ascii_address(address, parameters) for address in addresses if not address.isascii()
    )
    value: Emails = {"primaryEmail": addresses[0], "additionalEmails": addresses[1:]}
    return Converted(value=value, problems=tuple(problems), leftovers=tuple(leftovers))

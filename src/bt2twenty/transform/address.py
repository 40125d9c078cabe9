"""Converter for ADDRESS: street, suburb, state, postcode and country into Twenty's address."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bt2twenty.transform.parameters import ConversionParameters, SourceValue, StateStyle
from bt2twenty.transform.result import Converted, Problem, flag
from bt2twenty.transform.source import source_text
from bt2twenty.transform.text_repair import clean_text

Address = dict[str, object]

AUSTRALIAN_STATES = {
    "ACT": "Australian Capital Territory",
    "NSW": "New South Wales",
    "NT": "Northern Territory",
    "QLD": "Queensland",
    "SA": "South Australia",
    "TAS": "Tasmania",
    "VIC": "Victoria",
    "WA": "Western Australia",
}
_STATE_ABBREVIATIONS = {name.lower(): code for code, name in AUSTRALIAN_STATES.items()}
_AUSTRALIA_NAMES = frozenset({"australia", "au", "aus"})

# Postcodes of the Northern Territory and parts of the ACT start with 0 ("0800"); a
# spreadsheet that reads them as numbers writes "800".
_THREE_DIGIT_POSTCODE = re.compile(r"^\d{3}$")
_WHITESPACE = re.compile(r"\s+")
# One-line Australian address, street and locality separated by the last comma:
# "Level 4, 300 George St, Sydney NSW 2000".
_ONE_LINE_ADDRESS = re.compile(
    r"^(?P<street>.+),\s*(?P<city>[^,]+?)\s+(?P<state>ACT|NSW|NT|QLD|SA|TAS|VIC|WA)"
    r"\s+(?P<postcode>\d{3,4})(?:\s*,?\s*(?P<country>Australia))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AddressParts:
    """The source columns of one address, each as text."""

    street1: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""


def parts_from_mapping(source: Mapping[str, SourceValue]) -> AddressParts:
    """Read address parts from a row, accepting Bluetrait's and Twenty's column names."""

    def pick(*keys: str) -> str:
        for key in keys:
            value = source_text(source.get(key)).strip()
            if value:
                return value
        return ""

    return AddressParts(
        street1=pick("addressStreet1", "street1", "address", "street", "address1"),
        street2=pick("addressStreet2", "street2", "address2"),
        city=pick("addressCity", "city", "suburb", "town"),
        state=pick("addressState", "state"),
        postcode=pick("addressPostcode", "postcode", "post_code", "zip"),
        country=pick("addressCountry", "country"),
    )


def split_one_line(parts: AddressParts) -> AddressParts:
    """Split a one-line Australian address held in the street into its parts.

    Only a street with nothing else filled in is split, and only when a comma separates the
    street from "Suburb STATE postcode"; anything else stays as it is.
    """
    if parts.city or parts.state or parts.postcode or parts.street2:
        return parts
    match = _ONE_LINE_ADDRESS.match(parts.street1)
    if match is None:
        return parts
    return AddressParts(
        street1=match.group("street").strip(),
        city=match.group("city").strip(),
        state=match.group("state").upper(),
        postcode=match.group("postcode"),
        country=parts.country or match.group("country") or "",
    )


def is_australia(country: str) -> bool:
    """Whether `country` names Australia."""
    return country.strip().lower() in _AUSTRALIA_NAMES


def convert_state(state: str, style: StateStyle) -> str:
    """Write an Australian state as its abbreviation or full name; other text stays."""
    code = (
        state.upper()
        if state.upper() in AUSTRALIAN_STATES
        else _STATE_ABBREVIATIONS.get(state.lower())
    )
    if code is None or style is StateStyle.KEEP:
        return state
    if style is StateStyle.ABBREVIATION:
        return code
    return AUSTRALIAN_STATES[code]


def convert_postcode(postcode: str, *, australian: bool, field: str) -> tuple[str, list[Problem]]:
    """Keep a postcode as text; put back a leading zero that a spreadsheet dropped."""
    if australian and _THREE_DIGIT_POSTCODE.match(postcode):
        repaired = "0" + postcode
        message = (
            f"{field} postcode {postcode!r} has three digits; a leading zero lost to a"
            f" spreadsheet was put back, giving {repaired!r}. Check it."
        )
        return repaired, [flag("POSTCODE_REPAIRED", message)]
    return postcode, []


def _clean_parts(
    parts: AddressParts, parameters: ConversionParameters
) -> tuple[AddressParts, list[Problem]]:
    problems: list[Problem] = []

    def clean(text: str) -> str:
        cleaned = clean_text(text, field_label=parameters.field_name, repair=parameters.repair_text)
        problems.extend(cleaned.problems)
        return _WHITESPACE.sub(" ", cleaned.text)

    cleaned = AddressParts(
        street1=clean(parts.street1),
        street2=clean(parts.street2),
        city=clean(parts.city),
        state=clean(parts.state),
        postcode=clean(parts.postcode).replace(" ", ""),
        country=clean(parts.country),
    )
    return cleaned, problems


def convert_address(
    source: Mapping[str, SourceValue] | SourceValue, parameters: ConversionParameters
) -> Converted[Address]:
    """Convert to ADDRESS from a row's address columns (or one street line).

    The suburb becomes `addressCity`; the state is kept or rewritten by
    `parameters.state_style`; the postcode stays text; the country defaults to
    `parameters.default_country` when any other part is present.
    """
    raw_parts = (
        parts_from_mapping(source)
        if isinstance(source, Mapping)
        else AddressParts(street1=source_text(source))
    )
    parts, problems = _clean_parts(raw_parts, parameters)
    parts = split_one_line(parts)
    if not any(
        (parts.street1, parts.street2, parts.city, parts.state, parts.postcode, parts.country)
    ):
        return Converted(value=None, problems=tuple(problems))

    country = parts.country or parameters.default_country
    australian = is_australia(country)
    if australian:
        country = "Australia"
    postcode, postcode_problems = convert_postcode(
        parts.postcode, australian=australian, field=parameters.field_name
    )
    state = convert_state(parts.state, parameters.state_style) if australian else parts.state

    value: Address = {
        "addressStreet1": parts.street1,
        "addressStreet2": parts.street2,
        "addressCity": parts.city,
        "addressState": state,
        "addressPostcode": postcode,
        "addressCountry": country,
        "addressLat": None,
        "addressLng": None,
    }
    return Converted(value=value, problems=(*problems, *postcode_problems))

"""Parameters of the value converters, passed explicitly to every call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

SourceValue = str | int | float | Decimal | bool | None
"""A single source cell: CSV text, or a JSON scalar from the Bluetrait API."""


class SingleNamePolicy(StrEnum):
    """Placement of a name without a last name, which Twenty expects on a person."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    REJECT = "reject"


class AmbiguousTimePolicy(StrEnum):
    """Choice of instant for a local time that a daylight-saving change repeats."""

    EARLIER = "earlier"
    LATER = "later"


class StateStyle(StrEnum):
    """Spelling of an Australian state or territory in `addressState`."""

    KEEP = "keep"
    ABBREVIATION = "abbreviation"
    FULL_NAME = "full_name"


@dataclass(frozen=True)
class ConversionParameters:
    """Every setting a converter reads; the mapping file supplies one per field.

    Nothing here is read from the machine: the defaults describe an Australian tenant.
    """

    field_name: str = "value"
    region: str = "AU"
    currency: str = "AUD"
    time_zone: str = "Australia/Sydney"
    day_first: bool = True
    ambiguous_time: AmbiguousTimePolicy = AmbiguousTimePolicy.EARLIER
    single_name: SingleNamePolicy = SingleNamePolicy.FIRST_NAME
    state_style: StateStyle = StateStyle.KEEP
    default_country: str = "Australia"
    comma_decimal: bool = False
    max_length: int | None = None
    value_map: Mapping[str, str] = field(default_factory=dict)
    repair_text: bool = False
    is_domain: bool = False
    is_html: bool | None = None
    list_separators: str = ";,\n"

"""Recognise Bluetrait's date formats, decide each column's day/month order, and parse values.

Values stay naive local datetimes here. The tenant's time zone is applied later, in the one
conversion function of the transform step. This module only reports local times that do not
exist or are ambiguous in that zone, so the mapping step can decide how to treat them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serials from 1982-02-13 to 2064-11-06: wide enough for helpdesk data, narrow enough
# not to mistake ordinary five-digit numbers in a date column for days.
EXCEL_SERIAL_MIN = 30000
EXCEL_SERIAL_MAX = 60000
MAX_EXAMPLES = 5

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$",
)
_ZERO = re.compile(r"^0000-00-00(?:[ T]00:00(?::00)?)?$")
_NUMERIC = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?$"
)
_DISPLAY = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_SERIAL = re.compile(r"^(\d{5})(?:\.(\d+))?$")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


class DateOrder(StrEnum):
    """The order of day, month and year in a numeric date."""

    YMD = "YMD"
    DMY = "DMY"
    MDY = "MDY"


class DateKind(StrEnum):
    """The written shape of a date value."""

    ZERO = "zero"
    ISO = "iso"
    NUMERIC = "numeric"
    DISPLAY = "display"
    EXCEL_SERIAL = "excel_serial"


def classify(value: str, *, allow_serial: bool) -> DateKind | None:
    """Return the shape of a date value, or None when it is not a date."""
    if _ISO.match(value):
        return DateKind.ZERO if _ZERO.match(value) else DateKind.ISO
    if _ZERO.match(value):
        return DateKind.ZERO
    if _NUMERIC.match(value):
        return DateKind.NUMERIC
    if _DISPLAY.match(value):
        return DateKind.DISPLAY
    if allow_serial and _is_excel_serial(value):
        return DateKind.EXCEL_SERIAL
    return None


def _is_excel_serial(value: str) -> bool:
    match = _SERIAL.match(value)
    return match is not None and EXCEL_SERIAL_MIN <= int(match[1]) <= EXCEL_SERIAL_MAX


def has_time(value: str) -> bool:
    """Return True when a date value also carries a time of day."""
    return ":" in value or ("." in value and _SERIAL.match(value) is not None)


@dataclass
class DateColumnEvidence:
    """Bounded evidence about one column's dates, gathered value by value."""

    kinds: dict[str, int] = field(default_factory=dict)
    day_first_proof: int = 0
    month_first_proof: int = 0
    with_time: int = 0
    zero_dates: int = 0
    invalid: int = 0
    invalid_examples: list[str] = field(default_factory=list)

    def add(self, value: str, kind: DateKind) -> None:
        """Record one value already classified as a date."""
        self.kinds[kind.value] = self.kinds.get(kind.value, 0) + 1
        if kind is DateKind.ZERO:
            self.zero_dates += 1
            return
        if has_time(value):
            self.with_time += 1
        if kind is DateKind.NUMERIC:
            self._add_numeric(value)

    def _add_numeric(self, value: str) -> None:
        match = _NUMERIC.match(value)
        assert match is not None
        first, second = int(match[1]), int(match[2])
        if first > 12 and second <= 12:
            self.day_first_proof += 1
        elif second > 12 and first <= 12:
            self.month_first_proof += 1
        elif first > 12 and second > 12:
            self._add_invalid(value)

    def _add_invalid(self, value: str) -> None:
        self.invalid += 1
        if len(self.invalid_examples) < MAX_EXAMPLES:
            self.invalid_examples.append(value)

    def decide(self, default_order: DateOrder = DateOrder.DMY) -> DateDecision:
        """Decide the column's order from all its values; see `DateDecision`."""
        numeric = self.kinds.get(DateKind.NUMERIC.value, 0)
        if not numeric:
            return DateDecision(DateOrder.YMD, ambiguous=False, conflict=False, reason="ISO dates")

        if self.day_first_proof and self.month_first_proof:
            return DateDecision(
                default_order,
                ambiguous=True,
                conflict=True,
                reason=f"{self.day_first_proof} values need day first and "
                f"{self.month_first_proof} need month first",
            )
        if self.day_first_proof:
            return DateDecision(
                DateOrder.DMY,
                ambiguous=False,
                conflict=False,
                reason=f"{self.day_first_proof} values have a first part above 12",
            )
        if self.month_first_proof:
            return DateDecision(
                DateOrder.MDY,
                ambiguous=False,
                conflict=False,
                reason=f"{self.month_first_proof} values have a second part above 12",
            )
        return DateDecision(
            default_order,
            ambiguous=True,
            conflict=False,
            reason="no value has a part above 12; assumed "
            f"{'day' if default_order is DateOrder.DMY else 'month'} first",
        )


@dataclass(frozen=True, slots=True)
class DateDecision:
    """The order chosen for a column, and whether the mapping step must confirm it.

    `ambiguous` means no value proves the order, so the default was assumed; `conflict` means
    values prove both orders, so no single order reads every value.
    """

    order: DateOrder
    ambiguous: bool
    conflict: bool
    reason: str


def parse_date_value(value: str, order: DateOrder = DateOrder.DMY) -> datetime | None:
    """Parse one value as a naive local datetime; None for a zero date.

    Raises ValueError when the value is not a date or not a valid one in `order`.
    """
    if _ZERO.match(value):
        return None

    if match := _ISO.match(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        return _combine(year, month, day, match[4], match[5], match[6], None)

    if match := _NUMERIC.match(value):
        first, second, year = int(match[1]), int(match[2]), _full_year(match[3])
        day, month = (first, second) if order is not DateOrder.MDY else (second, first)
        return _combine(year, month, day, match[4], match[5], match[6], match[7])

    if match := _DISPLAY.match(value):
        month, day, year = _MONTHS[match[1][:3]], int(match[2]), int(match[3])
        return _combine(year, month, day, match[4], match[5], match[6], match[7])

    if _is_excel_serial(value):
        return EXCEL_EPOCH + timedelta(days=float(value))

    raise ValueError(f"not a recognised date: {value!r}")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 70 else 1900 + year
    return year


def _combine(
    year: int,
    month: int,
    day: int,
    hour_text: str | None,
    minute_text: str | None,
    second_text: str | None,
    meridiem: str | None,
) -> datetime:
    hour = int(hour_text) if hour_text else 0
    if meridiem:
        is_pm = meridiem[0] in "Pp"
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} is not valid with {meridiem}")
        hour = hour % 12 + (12 if is_pm else 0)
    return datetime(
        year,
        month,
        day,
        hour,
        int(minute_text) if minute_text else 0,
        int(second_text) if second_text else 0,
    )


def as_date(value: datetime) -> date:
    """Return the calendar date of a parsed value (for date-only columns)."""
    return value.date()


def daylight_saving_edge(local: datetime, zone: ZoneInfo) -> str | None:
    """Return "nonexistent" or "ambiguous" when `local` falls in a DST change of `zone`."""
    earlier = local.replace(tzinfo=zone, fold=0)
    later = local.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return None

    round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != local:
        return "nonexistent"
    return "ambiguous"

"""Converters for DATE and DATE_TIME: tenant-local source dates into dates and UTC instants."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bt2twenty.errors import SettingsError
from bt2twenty.transform.parameters import AmbiguousTimePolicy, ConversionParameters, SourceValue
from bt2twenty.transform.result import Converted, Problem, flag, reject
from bt2twenty.transform.source import source_text

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}

# Excel's 1900 date system counts a 29 February 1900 that never existed, so serials from
# 61 (1 March 1900) on count days from 1899-12-30.
EXCEL_EPOCH = datetime(1899, 12, 30)
# Serials from 10000 (1927-05-18) to 2958465 (9999-12-31) are read as dates; smaller bare
# numbers are more likely years, counts or ids.
EXCEL_SERIAL_RANGE = (Decimal(10000), Decimal(2958466))

_ZERO_DATE = re.compile(r"^0{4}-0{2}-0{2}(?:[ T]0{2}:0{2}(?::0{2})?)?$")
_TIME = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    r"\s*(?P<meridiem>[AaPp]\.?[Mm]\.?)?"
)
_OFFSET = r"(?P<offset>Z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(
    rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:[ T]{_TIME}{_OFFSET})?$"
)
_NUMERIC = re.compile(
    rf"^(?P<first>\d{{1,2}})[/.-](?P<second_part>\d{{1,2}})[/.-](?P<year>\d{{2}}|\d{{4}})(?:,?\s+{_TIME})?$"
)
_WEEKDAY = r"(?:[A-Za-z]{3,9},?\s+)?"
_DISPLAY = re.compile(
    rf"^{_WEEKDAY}(?P<month_name>[A-Za-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"(?:,?\s+{_TIME})?$"
)
_DAY_MONTH_NAME = re.compile(
    rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_name>[A-Za-z]{{3,9}})\.?,?"
    rf"\s+(?P<year>\d{{4}})(?:,?\s+{_TIME})?$"
)
_EXCEL_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class SourceDateTime:
    """A parsed source value: a naive local date-time, or an aware one when it carried an offset."""

    moment: datetime
    has_time: bool
    from_excel_serial: bool = False


@dataclass(frozen=True)
class UtcInstant:
    """A local time converted to UTC, with what happened at a daylight-saving change."""

    instant: datetime
    in_gap: bool
    is_ambiguous: bool


class DateFormatError(ValueError):
    """The text is not a date in any accepted format, or names an impossible date."""


def _clock(match: re.Match[str]) -> time:
    if match.group("hour") is None:
        return time()
    hour = int(match.group("hour"))
    meridiem = (match.group("meridiem") or "").lower().replace(".", "")
    if meridiem and not 1 <= hour <= 12:
        raise DateFormatError(f"hour {hour} is not valid with {meridiem.upper()}")
    if meridiem == "pm" and hour != 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    fraction = (match.group("fraction") or "").ljust(6, "0")
    return time(
        hour, int(match.group("minute")), int(match.group("second") or 0), int(fraction or 0)
    )


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _build(year: int, month: int, day: int, match: re.Match[str]) -> SourceDateTime:
    try:
        moment = datetime.combine(date(year, month, day), _clock(match))
    except ValueError as error:
        raise DateFormatError(str(error)) from error
    return SourceDateTime(moment=moment, has_time=match.group("hour") is not None)


def _parse_iso(match: re.Match[str]) -> SourceDateTime:
    parsed = _build(
        int(match.group("year")), int(match.group("month")), int(match.group("day")), match
    )
    offset = _offset(match.groupdict().get("offset"))
    if offset is None:
        return parsed
    return SourceDateTime(moment=parsed.moment.replace(tzinfo=offset), has_time=True)


def _parse_numeric(match: re.Match[str], *, day_first: bool) -> SourceDateTime:
    if len(match.group("year")) == 2:
        raise DateFormatError("a two-digit year could be in either century")
    first, second = int(match.group("first")), int(match.group("second_part"))
    day, month = (first, second) if day_first else (second, first)
    try:
        return _build(int(match.group("year")), month, day, match)
    except DateFormatError as error:
        if 1 <= day <= 12 and month > 12:
            order = "day-first" if day_first else "month-first"
            raise DateFormatError(
                f"it is not a valid {order} date; the column may use the other order"
            ) from error
        raise


def _parse_display(match: re.Match[str]) -> SourceDateTime:
    month = MONTHS.get(match.group("month_name")[:3].lower())
    if month is None:
        raise DateFormatError(f"{match.group('month_name')!r} is not a month name")
    return _build(int(match.group("year")), month, int(match.group("day")), match)


def _parse_excel_serial(text: str) -> SourceDateTime:
    try:
        serial = Decimal(text)
    except InvalidOperation as error:
        raise DateFormatError("it is not a number") from error
    low, high = EXCEL_SERIAL_RANGE
    if not low <= serial < high:
        raise DateFormatError(
            "a bare number is read as a date only between Excel serials 10000 and 2958465"
        )
    seconds = int((serial * 86400).to_integral_value())
    moment = EXCEL_EPOCH + timedelta(seconds=seconds)
    return SourceDateTime(
        moment=moment, has_time=serial != serial.to_integral_value(), from_excel_serial=True
    )


def parse_source_datetime(text: str, *, day_first: bool) -> SourceDateTime | None:
    """Parse one source date or date-time, or return `None` for empty and zero dates.

    Accepts `YYYY-MM-DD[ HH:MM[:SS]]` (with an optional UTC offset), `DD/MM/YYYY[ h:mm AM]`
    in the order `day_first` gives, `Mon Mar 04, 2024[, 02:15 PM]`, `4 March 2024`, and
    Excel serials. Raises `DateFormatError` for anything else.
    """
    text = " ".join(text.split())
    if not text or _ZERO_DATE.match(text):
        return None

    if match := _ISO.match(text):
        return _parse_iso(match)
    if match := _NUMERIC.match(text):
        return _parse_numeric(match, day_first=day_first)
    if match := _DISPLAY.match(text) or _DAY_MONTH_NAME.match(text):
        return _parse_display(match)
    if _EXCEL_SERIAL.match(text):
        return _parse_excel_serial(text)
    raise DateFormatError("it matches no accepted date format")


@dataclass(frozen=True)
class DateOrderEvidence:
    """Evidence of a column's date order: counts of slash dates that fit only one order."""

    day_first_values: int
    month_first_values: int

    @property
    def day_first(self) -> bool | None:
        """Return the order the column proves, or `None` when it proves none or both."""
        if self.day_first_values and not self.month_first_values:
            return True
        if self.month_first_values and not self.day_first_values:
            return False
        return None

    @property
    def is_conflicting(self) -> bool:
        """Return whether some values only fit day-first and others only month-first."""
        return bool(self.day_first_values and self.month_first_values)


def infer_date_order(values: Iterable[str]) -> DateOrderEvidence:
    """Count the slash dates of a column that only fit day-first or only month-first.

    A first part above 12 ("25/03/2024") proves day-first and a second part above 12
    proves month-first. The mapping decides the order once per column from this evidence,
    never per value, and uses the tenant default when nothing proves either.
    """
    day_first = month_first = 0
    for value in values:
        match = _NUMERIC.match(" ".join(value.split()))
        if match is None:
            continue
        first, second = int(match.group("first")), int(match.group("second_part"))
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    return DateOrderEvidence(day_first_values=day_first, month_first_values=month_first)


def local_to_utc(local: datetime, zone: ZoneInfo, ambiguous: AmbiguousTimePolicy) -> UtcInstant:
    """Convert a naive tenant-local date-time to an aware UTC datetime.

    A local time inside a daylight-saving gap does not exist, so it is shifted forward by
    the length of the gap (02:30 on the spring-forward night becomes 03:30 daylight time).
    A local time repeated when clocks go back is ambiguous, and `ambiguous` picks the
    earlier (first, daylight-time) or the later occurrence. The machine's own time zone
    is never read.
    """
    earlier = local.replace(tzinfo=zone, fold=0)
    later = local.replace(tzinfo=zone, fold=1)

    # A gap only opens when the UTC offset grows, so the offset before the change (fold=0)
    # always moves a missing time forward, whatever the ambiguous-time policy.
    in_gap = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local
    is_ambiguous = not in_gap and earlier.utcoffset() != later.utcoffset()

    chosen = later if is_ambiguous and ambiguous is AmbiguousTimePolicy.LATER else earlier
    return UtcInstant(instant=chosen.astimezone(UTC), in_gap=in_gap, is_ambiguous=is_ambiguous)


def format_instant(instant: datetime) -> str:
    """Write a UTC instant as ISO-8601 with milliseconds and `Z`, as `toISOString` does."""
    return (
        instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{instant.microsecond // 1000:03d}Z"
    )


def load_zone(name: str) -> ZoneInfo:
    """Load an IANA time zone by name; raises `SettingsError` for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError(
            f"unknown time zone {name!r} in the conversion settings",
            hint="Set the tenant time zone to an IANA name such as Australia/Sydney.",
        ) from error


def _invalid_date(text: str, reason: str, parameters: ConversionParameters) -> Problem:
    order = "day-first (DD/MM/YYYY)" if parameters.day_first else "month-first (MM/DD/YYYY)"
    return reject(
        "DATE_INVALID",
        f"{parameters.field_name} {text!r} is not a date: {reason}. The column is read as"
        f" {order}; correct the value or the column's date settings.",
    )


def _serial_problem(text: str, moment: datetime, parameters: ConversionParameters) -> Problem:
    return flag(
        "DATE_EXCEL_SERIAL",
        f"{parameters.field_name} {text!r} was read as an Excel date serial, giving"
        f" {moment.isoformat(sep=' ')}; check it against the source system.",
    )


def _parse_for_field(
    raw: SourceValue, parameters: ConversionParameters
) -> tuple[str, SourceDateTime | None, list[Problem]]:
    text = source_text(raw).strip()
    try:
        parsed = parse_source_datetime(text, day_first=parameters.day_first)
    except DateFormatError as error:
        return text, None, [_invalid_date(text, str(error), parameters)]

    problems: list[Problem] = []
    if parsed is not None and parsed.from_excel_serial:
        problems.append(_serial_problem(text, parsed.moment, parameters))
    return text, parsed, problems


def convert_date(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to DATE `YYYY-MM-DD` as the tenant saw it; a time of day is dropped and flagged."""
    text, parsed, problems = _parse_for_field(raw, parameters)
    if parsed is None:
        return Converted(value=None, problems=tuple(problems))

    moment = parsed.moment
    if moment.tzinfo is not None:
        moment = moment.astimezone(load_zone(parameters.time_zone)).replace(tzinfo=None)
    if parsed.has_time and moment.time() != time():
        problems.append(
            flag(
                "DATE_TIME_DROPPED",
                f"{parameters.field_name} {text!r} has a time of day, but the field holds only"
                f" a date; {moment.date().isoformat()} was kept. Use a date-time field to keep"
                " the time.",
            )
        )
    return Converted(value=moment.date().isoformat(), problems=tuple(problems))


def _daylight_saving_problems(
    text: str, converted: UtcInstant, parameters: ConversionParameters
) -> list[Problem]:
    zone = parameters.time_zone
    utc = format_instant(converted.instant)
    if converted.in_gap:
        shifted = converted.instant.astimezone(load_zone(zone)).strftime("%Y-%m-%d %H:%M:%S")
        return [
            flag(
                "TIME_IN_DST_GAP",
                f"{parameters.field_name} {text!r} does not exist in {zone} (clocks jumped"
                f" forward); it was moved forward by the gap to {shifted} local time ({utc})."
                " Check the source.",
            )
        ]
    if converted.is_ambiguous:
        return [
            flag(
                "TIME_AMBIGUOUS",
                f"{parameters.field_name} {text!r} happened twice in {zone} (clocks went"
                f" back); the {parameters.ambiguous_time.value} occurrence, {utc}, was used.",
            )
        ]
    return []


def convert_date_time(raw: SourceValue, parameters: ConversionParameters) -> Converted[str]:
    """Convert to DATE_TIME: a local time in `parameters.time_zone` as a UTC ISO-8601 instant."""
    text, parsed, problems = _parse_for_field(raw, parameters)
    if parsed is None:
        return Converted(value=None, problems=tuple(problems))

    if parsed.moment.tzinfo is not None:
        return Converted(value=format_instant(parsed.moment), problems=tuple(problems))

    converted = local_to_utc(
        parsed.moment, load_zone(parameters.time_zone), parameters.ambiguous_time
    )
    problems.extend(_daylight_saving_problems(text, converted, parameters))
    if not parsed.has_time:
        problems.append(
            flag(
                "DATE_TIME_MIDNIGHT_ASSUMED",
                f"{parameters.field_name} {text!r} has no time of day; midnight in"
                f" {parameters.time_zone} was used. Map the column to a date field if the time"
                " does not matter.",
            )
        )
    return Converted(value=format_instant(converted.instant), problems=tuple(problems))

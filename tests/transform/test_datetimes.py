"""Table tests for DATE and DATE_TIME, daylight-saving changes and machine time zones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bt2twenty.errors import SettingsError
from bt2twenty.transform.datetimes import (
    convert_date,
    convert_date_time,
    infer_date_order,
    local_to_utc,
)
from bt2twenty.transform.parameters import AmbiguousTimePolicy, ConversionParameters

PARAMETERS = ConversionParameters(field_name="date_added")
MONTH_FIRST = ConversionParameters(field_name="date_added", day_first=False)
SYDNEY = ZoneInfo("Australia/Sydney")
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize(
    ("source", "instant"),
    [
        pytest.param("2024-03-04 14:15:00", "2024-03-04T03:15:00.000Z", id="mysql-summer"),
        pytest.param("2024-07-04 14:15:00", "2024-07-04T04:15:00.000Z", id="mysql-winter"),
        pytest.param("2024-03-04 14:15", "2024-03-04T03:15:00.000Z", id="no-seconds"),
        pytest.param("2024-03-04T14:15:00", "2024-03-04T03:15:00.000Z", id="iso-t"),
        pytest.param("4/03/2024 2:15 PM", "2024-03-04T03:15:00.000Z", id="day-first-pm"),
        pytest.param("04/03/2024 12:05 AM", "2024-03-03T13:05:00.000Z", id="midnight-am"),
        pytest.param("04/03/2024 12:05 PM", "2024-03-04T01:05:00.000Z", id="noon-pm"),
        pytest.param(
            "Mon Mar 04, 2024, 02:15 PM", "2024-03-04T03:15:00.000Z", id="bluetrait-display"
        ),
        pytest.param("2024-03-04T14:15:00+10:00", "2024-03-04T04:15:00.000Z", id="explicit-offset"),
        pytest.param("2024-03-04T04:15:00Z", "2024-03-04T04:15:00.000Z", id="explicit-utc"),
        pytest.param("2024-03-04 14:15:00.250", "2024-03-04T03:15:00.250Z", id="milliseconds"),
    ],
)
def test_date_time_to_utc(source: str, instant: str) -> None:
    converted = convert_date_time(source, PARAMETERS)

    assert converted.value == instant
    assert converted.problems == ()


def test_month_first_parameter() -> None:
    converted = convert_date_time("03/04/2024 2:15 PM", MONTH_FIRST)

    assert converted.value == "2024-03-04T03:15:00.000Z"


def test_other_tenant_zone() -> None:
    parameters = ConversionParameters(time_zone="Australia/Perth")

    converted = convert_date_time("2024-03-04 14:15:00", parameters)

    assert converted.value == "2024-03-04T06:15:00.000Z"


@pytest.mark.parametrize(
    ("source", "day"),
    [
        pytest.param("2024-03-04", "2024-03-04", id="iso"),
        pytest.param("04/03/2024", "2024-03-04", id="day-first"),
        pytest.param("4/3/2024", "2024-03-04", id="day-first-short"),
        pytest.param("04.03.2024", "2024-03-04", id="dots"),
        pytest.param("Mon Mar 04, 2024", "2024-03-04", id="display"),
        pytest.param("4 March 2024", "2024-03-04", id="day-month-name"),
        pytest.param("Monday, 4th Mar 2024", "2024-03-04", id="weekday-ordinal"),
        pytest.param("March 4, 2024", "2024-03-04", id="month-name-day"),
        pytest.param("2021-11-25", "2021-11-25", id="due-date"),
    ],
)
def test_date_only_kept(source: str, day: str) -> None:
    converted = convert_date(source, PARAMETERS)

    assert converted.value == day
    assert converted.problems == ()


def test_date_drops_time_with_flag() -> None:
    converted = convert_date("2024-03-04 23:30:00", PARAMETERS)

    assert converted.value == "2024-03-04"
    assert [problem.code for problem in converted.problems] == ["DATE_TIME_DROPPED"]


def test_date_time_from_date_only() -> None:
    converted = convert_date_time("2024-03-04", PARAMETERS)

    assert converted.value == "2024-03-03T13:00:00.000Z"
    assert [problem.code for problem in converted.problems] == ["DATE_TIME_MIDNIGHT_ASSUMED"]


@pytest.mark.parametrize("source", ["0000-00-00", "0000-00-00 00:00:00", "", None, "  "])
def test_zero_dates_empty(source: str | None) -> None:
    converted = convert_date_time(source, PARAMETERS)

    assert converted.value is None
    assert converted.problems == ()


def test_excel_serial() -> None:
    converted = convert_date_time("45355.59375", PARAMETERS)

    assert converted.value == "2024-03-04T03:15:00.000Z"
    assert [problem.code for problem in converted.problems] == ["DATE_EXCEL_SERIAL"]


def test_excel_serial_date() -> None:
    converted = convert_date("45355", PARAMETERS)

    assert converted.value == "2024-03-04"
    assert [problem.code for problem in converted.problems] == ["DATE_EXCEL_SERIAL"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param("03/25/2024", "other order", id="month-first-in-day-first-column"),
        pytest.param("31/02/2024", "day is out of range", id="impossible-day"),
        pytest.param("12/12/24", "two-digit year", id="two-digit-year"),
        pytest.param("2024", "Excel serials", id="bare-year"),
        pytest.param("next Tuesday", "no accepted date format", id="words"),
        pytest.param("04/03/2024 13:15 PM", "not valid with PM", id="hour-13-pm"),
    ],
)
def test_invalid_dates_rejected(source: str, reason: str) -> None:
    converted = convert_date_time(source, PARAMETERS)

    assert converted.value is None
    assert converted.is_rejected
    assert reason in converted.problems[0].message
    assert repr(source) in converted.problems[0].message


def test_dst_gap_shifts_forward() -> None:
    converted = convert_date_time("2024-10-06 02:30:00", PARAMETERS)

    assert converted.value == "2024-10-05T16:30:00.000Z"
    assert [problem.code for problem in converted.problems] == ["TIME_IN_DST_GAP"]
    assert "2024-10-06 03:30:00" in converted.problems[0].message


def test_dst_overlap_earlier() -> None:
    converted = convert_date_time("2024-04-07 02:30:00", PARAMETERS)

    assert converted.value == "2024-04-06T15:30:00.000Z"
    assert [problem.code for problem in converted.problems] == ["TIME_AMBIGUOUS"]


def test_dst_overlap_later() -> None:
    parameters = ConversionParameters(ambiguous_time=AmbiguousTimePolicy.LATER)

    converted = convert_date_time("2024-04-07 02:30:00", parameters)

    assert converted.value == "2024-04-06T16:30:00.000Z"
    assert [problem.code for problem in converted.problems] == ["TIME_AMBIGUOUS"]


def test_local_to_utc_plain_time() -> None:
    result = local_to_utc(datetime(2024, 1, 15, 9, 0), SYDNEY, AmbiguousTimePolicy.EARLIER)

    assert result.instant == datetime(2024, 1, 14, 22, 0, tzinfo=UTC)
    assert not result.in_gap
    assert not result.is_ambiguous


def test_local_to_utc_edges_of_gap() -> None:
    before = local_to_utc(datetime(2024, 10, 6, 1, 59), SYDNEY, AmbiguousTimePolicy.EARLIER)
    after = local_to_utc(datetime(2024, 10, 6, 3, 0), SYDNEY, AmbiguousTimePolicy.EARLIER)

    assert not before.in_gap
    assert not after.in_gap
    assert (after.instant - before.instant).total_seconds() == 60


def test_unknown_zone_raises() -> None:
    with pytest.raises(SettingsError, match="unknown time zone"):
        convert_date_time("2024-03-04 10:00:00", ConversionParameters(time_zone="Mars/Olympus"))


MACHINE_ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Perth", "Pacific/Chatham"]
SAMPLES = [
    "2024-03-04 14:15:00",
    "2024-10-06 02:30:00",
    "2024-04-07 02:30:00",
    "4/03/2024 2:15 PM",
    "Mon Mar 04, 2024, 02:15 PM",
    "45355.59375",
    "2024-03-04",
]
_SCRIPT = """
import json, sys
from bt2twenty.transform.datetimes import convert_date, convert_date_time
from bt2twenty.transform.parameters import ConversionParameters
samples = json.loads(sys.argv[1])
parameters = ConversionParameters()
print(json.dumps([[convert_date_time(s, parameters).value, convert_date(s, parameters).value] for s in samples]))
"""


def _convert_under_machine_zone(zone: str) -> list[list[str | None]]:
    environment = {**os.environ, "TZ": zone, "PYTHONPATH": str(SRC)}
    completed = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(SAMPLES)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def test_same_result_under_machine_zones() -> None:
    results = {zone: _convert_under_machine_zone(zone) for zone in MACHINE_ZONES}

    reference = results["UTC"]
    for zone in MACHINE_ZONES:
        assert results[zone] == reference, zone


def test_dst_gap_later_policy_forward() -> None:
    parameters = ConversionParameters(ambiguous_time=AmbiguousTimePolicy.LATER)

    converted = convert_date_time("2024-10-06 02:30:00", parameters)

    assert converted.value == "2024-10-05T16:30:00.000Z"
    assert [problem.code for problem in converted.problems] == ["TIME_IN_DST_GAP"]


def test_dst_gap_not_ambiguous() -> None:
    result = local_to_utc(datetime(2024, 10, 6, 2, 30), SYDNEY, AmbiguousTimePolicy.LATER)

    assert result.in_gap
    assert not result.is_ambiguous


def test_date_order_day_first_column() -> None:
    evidence = infer_date_order(["04/03/2024", "25/03/2024 2:15 PM", "2024-03-04", ""])

    assert evidence.day_first is True
    assert evidence.day_first_values == 1
    assert not evidence.is_conflicting


def test_date_order_month_first_column() -> None:
    evidence = infer_date_order(["03/25/2024", "12/31/2023"])

    assert evidence.day_first is False
    assert evidence.month_first_values == 2


def test_date_order_unproven_column() -> None:
    evidence = infer_date_order(["04/03/2024", "01/02/2024"])

    assert evidence.day_first is None
    assert not evidence.is_conflicting


def test_date_order_conflicting_column() -> None:
    evidence = infer_date_order(["25/03/2024", "03/25/2024"])

    assert evidence.day_first is None
    assert evidence.is_conflicting

"""Date formats, the per-column day/month decision, zero dates and daylight-saving edges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bt2twenty.sources.bluetrait.dates import (
    DateColumnEvidence,
    DateKind,
    DateOrder,
    classify,
    daylight_saving_edge,
    parse_date_value,
)

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2024-03-04 14:15:00", DateOrder.DMY, datetime(2024, 3, 4, 14, 15)),
        ("2024-03-04", DateOrder.DMY, datetime(2024, 3, 4)),
        ("04/03/2024", DateOrder.DMY, datetime(2024, 3, 4)),
        ("04/03/2024", DateOrder.MDY, datetime(2024, 4, 3)),
        ("4/03/2024 2:15 PM", DateOrder.DMY, datetime(2024, 3, 4, 14, 15)),
        ("4/03/2024 12:05 AM", DateOrder.DMY, datetime(2024, 3, 4, 0, 5)),
        ("Mon Mar 04, 2024, 02:15 PM", DateOrder.DMY, datetime(2024, 3, 4, 14, 15)),
        ("Mon Mar 04, 2024", DateOrder.DMY, datetime(2024, 3, 4)),
        ("45355.59375", DateOrder.DMY, datetime(2024, 3, 4, 14, 15)),
        ("45355", DateOrder.DMY, datetime(2024, 3, 4)),
    ],
)
def test_parse_each_format(value: str, order: DateOrder, expected: datetime) -> None:
    assert parse_date_value(value, order) == expected


@pytest.mark.parametrize("value", ["0000-00-00 00:00:00", "0000-00-00"])
def test_zero_date_is_empty(value: str) -> None:
    assert classify(value, allow_serial=False) is DateKind.ZERO
    assert parse_date_value(value) is None


def test_invalid_date_raises() -> None:
    with pytest.raises(ValueError, match="not a recognised date"):
        parse_date_value("next Tuesday")
    with pytest.raises(ValueError, match="day is out of range"):
        parse_date_value("31/02/2024")


def test_serial_needs_date_column() -> None:
    assert classify("45355", allow_serial=False) is None
    assert classify("45355", allow_serial=True) is DateKind.EXCEL_SERIAL


def _evidence(values: list[str]) -> DateColumnEvidence:
    evidence = DateColumnEvidence()
    for value in values:
        kind = classify(value, allow_serial=False)
        assert kind is not None, value
        evidence.add(value, kind)
    return evidence


def test_column_proves_day_first() -> None:
    decision = _evidence(["01/02/2024", "25/12/2023", "03/04/2024"]).decide()
    assert decision.order is DateOrder.DMY
    assert not decision.ambiguous


def test_column_proves_month_first() -> None:
    decision = _evidence(["01/02/2024", "12/25/2023"]).decide(DateOrder.DMY)
    assert decision.order is DateOrder.MDY
    assert not decision.ambiguous


def test_ambiguous_column_flagged() -> None:
    decision = _evidence(["01/02/2024", "03/04/2024", "12/11/2023"]).decide()
    assert decision.order is DateOrder.DMY
    assert decision.ambiguous
    assert not decision.conflict


def test_conflicting_column_flagged() -> None:
    decision = _evidence(["25/01/2024", "01/25/2024"]).decide()
    assert decision.ambiguous
    assert decision.conflict


def test_zero_dates_counted() -> None:
    evidence = _evidence(["0000-00-00 00:00:00", "2024-01-01 10:00:00"])
    assert evidence.zero_dates == 1
    assert evidence.with_time == 1


def test_daylight_saving_edges_in_sydney() -> None:
    assert daylight_saving_edge(datetime(2023, 10, 1, 2, 30), SYDNEY) == "nonexistent"
    assert daylight_saving_edge(datetime(2023, 4, 2, 2, 30), SYDNEY) == "ambiguous"
    assert daylight_saving_edge(datetime(2023, 4, 2, 3, 30), SYDNEY) is None

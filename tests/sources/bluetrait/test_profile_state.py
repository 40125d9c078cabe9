"""Column profiles and id sets keep bounded state however many values they see."""

from __future__ import annotations

from bt2twenty.sources.bluetrait.dates import DateOrder
from bt2twenty.sources.bluetrait.discovery.profile import DISTINCT_CAP, ColumnProfile
from bt2twenty.sources.bluetrait.discovery.references import IdSet


def test_distinct_values_capped() -> None:
    column = ColumnProfile("subject", "Subject", True)
    for number in range(DISTINCT_CAP * 5):
        column.add(f"Printer {number} offline")
    assert len(column.distinct) == DISTINCT_CAP
    assert column.distinct_overflow
    assert column.as_dict(DISTINCT_CAP * 5, DateOrder.DMY)["distinct_count"] is None


def test_long_values_not_tracked() -> None:
    column = ColumnProfile("description", "Description", True)
    column.add("x" * 5_000_000)
    assert column.distinct == {}
    assert len(column.examples[0]) == 200


def test_low_cardinality_values_listed() -> None:
    column = ColumnProfile("status_name", "Status", True)
    for value in ["Open", "Closed", "Open", "In Progress"]:
        column.add(value)
    profile = column.as_dict(4, DateOrder.DMY)
    assert profile["type"] == "text"
    assert profile["distinct_values"] == {"Open": 2, "Closed": 1, "In Progress": 1}


def test_tags_split_into_values() -> None:
    column = ColumnProfile("tags", "Tags", True)
    column.add("backup;network")
    column.add("network")
    assert column.distinct == {"backup": 1, "network": 2}


def test_secret_column_keeps_counts_only() -> None:
    column = ColumnProfile("password", "password", True, secret=True)
    column.add("Hunter2Secret")
    profile = column.as_dict(1, DateOrder.DMY)
    assert profile["filled"] == 1
    assert "examples" not in profile
    assert "Hunter2Secret" not in str(profile)


def test_id_set_bitmap_and_fallback() -> None:
    ids = IdSet()
    for value in ["10001", "10002", "ABC-7", "500000000000", "10001"]:
        ids.add(value)
    assert ids.count == 4
    assert "10002" in ids
    assert "10003" not in ids
    assert "ABC-7" in ids
    assert "500000000000" in ids
    assert len(ids._bits) < 2000

"""Tests for the conversion result and the quarantine error built from its problems."""

from __future__ import annotations

from bt2twenty.errors import RecordError
from bt2twenty.transform import Converted, record_error
from bt2twenty.transform.result import flag, reject


def test_flags_and_rejects() -> None:
    converted = Converted(value=None, problems=(flag("A", "check a"), reject("B", "fix b")))

    assert converted.is_flagged
    assert converted.is_rejected


def test_record_error_lists_rejects() -> None:
    problems = [flag("A", "check a."), reject("B", "fix b."), reject("C", "fix c.")]

    error = record_error(problems, record="client 1011")

    assert isinstance(error, RecordError)
    assert error.message == "client 1011 cannot be written to Twenty: fix b. fix c."
    assert "run the migration again" in error.hint


def test_record_error_none_without_rejects() -> None:
    assert record_error([flag("A", "check a.")], record="client 1011") is None

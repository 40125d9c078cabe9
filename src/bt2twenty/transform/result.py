"""The result of one value conversion: the payload for Twenty and the problems found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from bt2twenty.errors import RecordError

T_co = TypeVar("T_co", covariant=True)


class Severity(StrEnum):
    """Action the pipeline takes on a record that has the problem."""

    FLAG = "flag"
    """The value is written; the record is listed for a person to review."""

    REJECT = "reject"
    """The record is not written; it goes to quarantine with the message."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source value, with a message a person can act on."""

    code: str
    message: str
    severity: Severity


@dataclass(frozen=True)
class Converted(Generic[T_co]):
    """A converted value, the problems found, and source parts that found no place.

    `value` is `None` when the source was empty or nothing in it could be converted.
    `leftovers` contains source text the converter could not place in the payload (an
    unparseable phone number, an invalid email address). The caller can keep it in a
    text field instead of losing it.
    """

    value: T_co | None
    problems: tuple[Problem, ...] = ()
    leftovers: tuple[str, ...] = field(default=())

    @property
    def is_rejected(self) -> bool:
        """Return whether any problem sends the record to quarantine."""
        return any(problem.severity is Severity.REJECT for problem in self.problems)

    @property
    def is_flagged(self) -> bool:
        """Return whether any problem requests a review."""
        return any(problem.severity is Severity.FLAG for problem in self.problems)


def flag(code: str, message: str) -> Problem:
    """Build a problem that keeps the value and requests a review."""
    return Problem(code=code, message=message, severity=Severity.FLAG)


def reject(code: str, message: str) -> Problem:
    """Build a problem that sends the record to quarantine."""
    return Problem(code=code, message=message, severity=Severity.REJECT)


def record_error(problems: Iterable[Problem], *, record: str) -> RecordError | None:
    """Build the error that quarantines `record`, or return `None` when nothing rejects it.

    `record` names the source record for a person, such as "client 1011". The message
    lists every reject problem so the quarantine report shows all fixes at once.
    """
    messages = [problem.message for problem in problems if problem.severity is Severity.REJECT]
    if not messages:
        return None
    return RecordError(
        f"{record} cannot be written to Twenty: " + " ".join(messages),
        hint="Fix the values in the source or the mapping, then run the migration again.",
    )

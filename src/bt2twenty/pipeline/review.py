"""The records a person should look at: loaded, but with a problem flagged on the way.

Flags include a single-word name placed as a last name, an orphan reference left empty, a
value kept in `unplacedValues` and a company renamed "(2)" as a duplicate. Each flag becomes
one line of `reports/review-<run>.csv` with the record's source row, Twenty id, problem code
and message.
Quarantined rows are not listed here; the journal keeps them with their reasons.
"""

from __future__ import annotations

import csv
import logging
import threading
from collections import Counter
from pathlib import Path
from types import TracebackType

from bt2twenty.redaction import redact
from bt2twenty.transform.payload import BuiltRecord
from bt2twenty.transform.result import Severity

logger = logging.getLogger(__name__)

REVIEW_COLUMNS = ("source_object", "source_id", "twenty_object", "twenty_id", "code", "message")


class ReviewLog:
    """Writes each flagged problem of a run to a CSV file as the records are built."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: Counter[str] = Counter()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(REVIEW_COLUMNS)
        self._lock = threading.Lock()

    def add(self, record: BuiltRecord) -> None:
        """Write the flagged problems of one record that is going to Twenty."""
        flags = [p for p in record.problems if p.severity is Severity.FLAG]
        if not flags:
            return
        with self._lock:
            for problem in flags:
                self.counts[problem.code] += 1
                self._writer.writerow(
                    [
                        record.source_object,
                        record.source_id,
                        record.target_object,
                        record.record_id,
                        problem.code,
                        redact(problem.message),
                    ]
                )

    def close(self) -> None:
        self._file.close()
        if self.counts:
            logger.info("Review list %s: %s", self.path, dict(self.counts))

    def __enter__(self) -> ReviewLog:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

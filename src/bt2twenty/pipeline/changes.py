"""Changes in the source since the previous run, found by the source's own modification time.

Bluetrait stamps tickets, articles, passwords and other rows with `last_modified`. Each full
run records, per source object, the latest stamp it read (its watermark). The next delta
rebuilds only rows stamped at or after that watermark minus an overlap window. The window
covers rows saved while the export was being written and clocks that disagree by a little,
and a row stamped exactly at the watermark is always read again: the comparison is never a
strict "greater than". Every other row is left alone only if the journal already contains it.
The payload hash still decides whether a rebuilt row is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bt2twenty.journal import Journal, RunKind, RunStatus

logger = logging.getLogger(__name__)

MODIFIED_COLUMN = "last_modified"
_FULL_RUNS = (RunKind.LOAD, RunKind.DELTA)


def parse_modified(text: str | None) -> datetime | None:
    """Return a Bluetrait `last_modified` stamp (`2024-03-04 14:15:00`) as a naive datetime."""
    if not text or not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass
class Watermarks:
    """The latest modification stamp read per source object in this run."""

    latest: dict[str, datetime] = field(default_factory=dict)

    def observe(self, source_object: str, row: dict[str, str]) -> None:
        stamp = parse_modified(row.get(MODIFIED_COLUMN))
        if stamp is None:
            return
        current = self.latest.get(source_object)
        if current is None or stamp > current:
            self.latest[source_object] = stamp

    def as_json(self) -> dict[str, str]:
        return {name: stamp.isoformat(sep=" ") for name, stamp in sorted(self.latest.items())}


@dataclass(frozen=True)
class ModifiedWindow:
    """Per source object, the stamp before which a row counts as not modified since last run."""

    cutoffs: dict[str, datetime]

    @classmethod
    def since_last_run(cls, journal: Journal, *, overlap: timedelta) -> ModifiedWindow:
        """Return the window from the watermarks of the latest completed full run."""
        watermarks: dict[str, str] = {}
        for kind in _FULL_RUNS:
            for run in journal.runs(kind=kind):
                summary = run.summary if isinstance(run.summary, dict) else {}
                if run.status != RunStatus.COMPLETED or summary.get("only"):
                    continue
                for name, stamp in (summary.get("watermarks") or {}).items():
                    if stamp > watermarks.get(name, ""):
                        watermarks[name] = stamp
        cutoffs = {}
        for name, stamp in watermarks.items():
            parsed = parse_modified(stamp)
            if parsed is not None:
                cutoffs[name] = parsed - overlap
        logger.info("Modification window: %d objects with a watermark", len(cutoffs))
        return cls(cutoffs)

    def untouched(self, source_object: str, row: dict[str, str]) -> bool:
        """Return whether the source marks this row as not modified since the last full run."""
        cutoff = self.cutoffs.get(source_object)
        if cutoff is None:
            return False
        stamp = parse_modified(row.get(MODIFIED_COLUMN))
        return stamp is not None and stamp < cutoff

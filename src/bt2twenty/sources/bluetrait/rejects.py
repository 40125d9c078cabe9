"""Rows the reader cannot use: each is kept with its file, line and reason, in a reject file."""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

logger = logging.getLogger(__name__)

MAX_REJECTS_IN_MEMORY = 20
SECRET_OBJECTS = frozenset({"passwords"})
WITHHELD = "(fields withheld: the row may hold a password secret)"


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected row: where it is and why it cannot be read."""

    object_name: str
    file: str
    first_line: int
    last_line: int
    reason: str

    def location(self) -> str:
        """Return "file, line N" (or "lines N-M") for messages."""
        if self.last_line > self.first_line:
            return f"{self.file}, lines {self.first_line}-{self.last_line}"
        return f"{self.file}, line {self.first_line}"


@dataclass
class RejectLog:
    """Counts rejects per object, keeps the first few, and writes all of them to reject files.

    With no folder, rejects are only counted and sampled. A rejected row of the passwords
    object is written without its fields, because they may hold a plaintext secret.
    """

    folder: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[Reject]] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    _streams: dict[str, tuple[TextIO, csv.DictWriter[str]]] = field(default_factory=dict)

    def add(self, reject: Reject, fields: list[str]) -> None:
        """Record one reject and its raw fields."""
        name = reject.object_name
        self.counts[name] = self.counts.get(name, 0) + 1
        sample = self.samples.setdefault(name, [])
        if len(sample) < MAX_REJECTS_IN_MEMORY:
            sample.append(reject)
        logger.info("Rejected %s: %s", reject.location(), reject.reason)

        if self.folder is not None:
            self._write(reject, fields)

    def _write(self, reject: Reject, fields: list[str]) -> None:
        name = reject.object_name
        if name not in self._streams:
            assert self.folder is not None
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{name}.rejects.csv"
            stream = path.open("w", encoding="utf-8", newline="")
            columns = ["file", "first_line", "last_line", "reason", "fields"]
            writer = csv.DictWriter(stream, fieldnames=columns)
            writer.writeheader()
            self._streams[name] = (stream, writer)
            self.paths[name] = path

        raw = WITHHELD if name in SECRET_OBJECTS else json.dumps(fields, ensure_ascii=False)
        self._streams[name][1].writerow(
            {
                "file": reject.file,
                "first_line": reject.first_line,
                "last_line": reject.last_line,
                "reason": reject.reason,
                "fields": raw,
            }
        )

    def close(self) -> None:
        """Flush and close every reject file."""
        for stream, _writer in self._streams.values():
            stream.close()
        self._streams.clear()

"""The journal's SQLite connection: WAL mode, durable commits, one lock, explicit transactions.

Threads share one connection guarded by a re-entrant lock. Every read and write takes the
lock, so the loader's worker threads may call the journal freely. Writes are serialised,
which costs little next to the HTTP round trip each batch waits for.

`synchronous=FULL` makes each commit durable before it returns, at the cost of one extra
fsync of the WAL per commit. With `NORMAL` a power loss could undo the last confirmations.
A batch that Twenty created but the journal forgot would then look like a pre-existing record
on the next run, and rollback would leave it behind. So the journal prefers FULL.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.redaction import MASK, redact

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

# Keys whose values are credentials wherever they appear in a stored JSON document. This
# matches the key names `redact` masks in `key: value` text.
_CREDENTIAL_KEY = re.compile(r"(?i)(api_key|apikey|api-key|password|secret|token)$")


class JournalError(ConfigError):
    """The journal file cannot be used as given: not a journal, unreadable or mismatched."""


class Store:
    """One SQLite connection with a lock, used through `transaction`, `snapshot` or `reading`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._connection = connection
        self._lock = threading.RLock()
        self._depth = 0
        self._is_writing = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction: all its statements commit, or none do.

        A nested call joins the outer transaction. `BEGIN IMMEDIATE` takes SQLite's write lock
        before the first statement, waiting up to `BUSY_TIMEOUT_MS` if another process holds
        it, so no statement inside the block fails with "database is locked".
        """
        with self._lock:
            if self._depth:
                if not self._is_writing:
                    raise RuntimeError("a write transaction cannot start inside a read snapshot")
                yield from self._nested()
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self._is_writing = True
            try:
                yield self._connection
                self._connection.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a full disk, say) leaves the transaction open: end it too.
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
                self._is_writing = False

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Run the block's reads against one consistent state of the file."""
        with self._lock:
            if self._depth:
                yield from self._nested()
                return
            self._connection.execute("BEGIN DEFERRED")
            self._depth = 1
            try:
                yield self._connection
            finally:
                self._depth = 0
                self._connection.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Run one read statement; a single statement always sees one consistent state."""
        with self._lock:
            yield self._connection

    def _nested(self) -> Iterator[sqlite3.Connection]:
        self._depth += 1
        try:
            yield self._connection
        finally:
            self._depth -= 1

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the SQLite file at `path` with the journal's settings."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except (OSError, sqlite3.Error) as exc:
        raise _open_failed(path, exc) from exc

    connection.row_factory = sqlite3.Row
    try:
        _configure(connection, path)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise _open_failed(path, exc) from exc
    except BaseException:
        connection.close()
        raise
    return connection


def _open_failed(path: Path, exc: Exception) -> JournalError:
    return JournalError(
        f"Could not open {path} as a journal: {exc}.",
        hint="Check the --journal path. A journal is an SQLite file that bt2twenty created.",
    )


def _configure(connection: sqlite3.Connection, path: Path) -> None:
    mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise JournalError(
            f"Could not switch {path} to WAL mode (SQLite kept '{mode}').",
            hint="Put the journal on a local disk; network file systems often refuse WAL.",
        )
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def utc_now() -> str:
    """Return the current UTC time as ISO 8601 with microseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def redact_value(value: Any) -> Any:
    """Return a copy of a JSON-like value with every string redacted and credential keys masked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(str(key)): _redact_item(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


def _redact_item(key: str, item: Any) -> Any:
    if _CREDENTIAL_KEY.search(key) and item is not None and not isinstance(item, bool):
        return MASK if not isinstance(item, Mapping | list | tuple) else redact_value(item)
    return redact_value(item)


def dump_json(value: Any) -> str:
    """Serialise a JSON-like value for storage, redacted first; other values are stored as text."""
    return json.dumps(redact_value(value), ensure_ascii=False, sort_keys=True)


def load_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)

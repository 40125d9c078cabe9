"""Runs and their phases: what each pipeline stage did, when, and how it ended."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

from bt2twenty import __version__
from bt2twenty.errors import FatalError
from bt2twenty.journal.base import JournalBase
from bt2twenty.journal.models import Phase, PhaseCounts, Run, RunKind, RunStatus
from bt2twenty.journal.store import dump_json, load_json, utc_now
from bt2twenty.redaction import redact

logger = logging.getLogger(__name__)


class RunsMixin(JournalBase):
    """Start, finish and list runs and phases."""

    def start_run(self, kind: RunKind | str, *, options: Mapping[str, Any] | None = None) -> Run:
        """Record a new run in state `running`; `options` are stored redacted."""
        run_kind = RunKind(kind)
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (kind, status, started_at, tool_version, options) "
                "VALUES (?, 'running', ?, ?, ?)",
                (run_kind.value, utc_now(), __version__, dump_json(dict(options or {}))),
            )
            run = _fetch_run(connection, _lastrowid(cursor))
        logger.info("Started %s run %d", run.kind, run.id)
        return run

    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus | str,
        summary: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> Run:
        """Close a running run with its final status; finishing a finished run is an error."""
        final = RunStatus(status)
        if final is RunStatus.RUNNING:
            raise ValueError("finish_run needs a final status, not 'running'")

        with self._store.transaction() as connection:
            run = _fetch_run(connection, run_id)
            if run.is_finished:
                raise FatalError(
                    f"Run {run_id} already finished as {run.status}, so it cannot finish again."
                )
            connection.execute(
                "UPDATE runs SET status = ?, finished_at = ?, summary = ?, error = ? WHERE id = ?",
                (
                    final.value,
                    utc_now(),
                    None if summary is None else dump_json(dict(summary)),
                    None if error is None else redact(error),
                    run_id,
                ),
            )
            run = _fetch_run(connection, run_id)
        logger.info("Finished %s run %d: %s", run.kind, run.id, run.status)
        return run

    def run(self, run_id: int) -> Run:
        """Return one run; raise `FatalError` if the journal has no such run."""
        with self._store.snapshot() as connection:
            return _fetch_run(connection, run_id)

    def runs(self, *, kind: RunKind | str | None = None) -> list[Run]:
        """Return all runs (of one kind, if given), oldest first."""
        query = "SELECT * FROM runs"
        parameters: tuple[str, ...] = ()
        if kind is not None:
            query, parameters = query + " WHERE kind = ?", (RunKind(kind).value,)
        with self._store.snapshot() as connection:
            rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        return [_run_from_row(row) for row in rows]

    def last_run(self, kind: RunKind | str | None = None) -> Run | None:
        """Return the most recently started run (of one kind, if given), or None."""
        runs = self.runs(kind=kind)
        return runs[-1] if runs else None

    def unfinished_runs(self) -> list[Run]:
        """Return runs still marked `running`: after a crash, these are the interrupted ones."""
        with self._store.snapshot() as connection:
            rows = connection.execute(
                "SELECT * FROM runs WHERE status = 'running' ORDER BY id"
            ).fetchall()
        return [_run_from_row(row) for row in rows]

    def start_phase(self, run_id: int, *, source_object: str, target_object: str) -> Phase:
        """Record the start of moving one source object to one target object within a run."""
        with self._store.transaction() as connection:
            require_running(connection, run_id)
            cursor = connection.execute(
                "INSERT INTO phases (run_id, source_object, target_object, status, started_at) "
                "VALUES (?, ?, ?, 'running', ?)",
                (run_id, source_object, target_object, utc_now()),
            )
            phase = _fetch_phase(connection, _lastrowid(cursor))
        logger.info("Started phase %s → %s of run %d", source_object, target_object, run_id)
        return phase

    def finish_phase(self, phase_id: int, *, status: RunStatus | str, counts: PhaseCounts) -> Phase:
        """Store a phase's final status and row counts.

        Counts that do not add up (read ≠ loaded + skipped + quarantined) are stored as given
        and logged as a warning, so the reports can show the gap instead of hiding it.
        """
        final = RunStatus(status)
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE phases SET status = ?, finished_at = ?, read_count = ?, "
                "loaded_count = ?, skipped_count = ?, quarantined_count = ? WHERE id = ?",
                (
                    final.value,
                    None if final is RunStatus.RUNNING else utc_now(),
                    counts.read,
                    counts.loaded,
                    counts.skipped,
                    counts.quarantined,
                    phase_id,
                ),
            )
            phase = _fetch_phase(connection, phase_id)

        if counts.unaccounted:
            logger.warning(
                "Phase %s of run %d does not add up: read %d, loaded %d, skipped %d, "
                "quarantined %d",
                phase.source_object,
                phase.run_id,
                counts.read,
                counts.loaded,
                counts.skipped,
                counts.quarantined,
            )
        return phase

    def phases(self, run_id: int) -> list[Phase]:
        """Return the phases of one run in the order they started."""
        with self._store.snapshot() as connection:
            rows = connection.execute(
                "SELECT * FROM phases WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
        return [_phase_from_row(row) for row in rows]


def _lastrowid(cursor: sqlite3.Cursor) -> int:
    row_id = cursor.lastrowid
    assert row_id is not None, "INSERT returned no row id"
    return row_id


def require_running(connection: sqlite3.Connection, run_id: int) -> Run:
    run = _fetch_run(connection, run_id)
    if run.is_finished:
        raise FatalError(
            f"Run {run_id} already finished as {run.status}. Start a new run to write more."
        )
    return run


def _fetch_run(connection: sqlite3.Connection, run_id: int) -> Run:
    row = connection.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise FatalError(f"Run {run_id} is not in the journal.")
    return _run_from_row(row)


def _run_from_row(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"],
        kind=RunKind(row["kind"]),
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        tool_version=row["tool_version"],
        options=load_json(row["options"]),
        summary=load_json(row["summary"]),
        error=row["error"],
    )


def _fetch_phase(connection: sqlite3.Connection, phase_id: int) -> Phase:
    row = connection.execute("SELECT * FROM phases WHERE id = ?", (phase_id,)).fetchone()
    if row is None:
        raise FatalError(f"Phase {phase_id} is not in the journal.")
    return _phase_from_row(row)


def _phase_from_row(row: sqlite3.Row) -> Phase:
    return Phase(
        id=row["id"],
        run_id=row["run_id"],
        source_object=row["source_object"],
        target_object=row["target_object"],
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        counts=PhaseCounts(
            read=row["read_count"],
            loaded=row["loaded_count"],
            skipped=row["skipped_count"],
            quarantined=row["quarantined_count"],
        ),
    )

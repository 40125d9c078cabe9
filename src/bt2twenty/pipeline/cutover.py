"""The cutover checklist: the steps that make Twenty the system of record, and the state of each.

1. Freeze writes in Bluetrait (a person confirms it: `cutover --done freeze`).
2. Run the final delta after the freeze (read from the journal).
3. Verify after that delta, clean (read from the journal).
4. Designate Twenty as the system of record (a person confirms it).

The person-confirmed steps are kept in `cutover.json` in the project folder, with the time and
who confirmed them. The other states come from the journal, so the checklist cannot claim a
step that did not happen. Each call writes `reports/cutover.md` as well.
"""

from __future__ import annotations

import getpass
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bt2twenty.errors import ConfigError
from bt2twenty.journal import Journal, RunKind, RunStatus

logger = logging.getLogger(__name__)

CUTOVER_FILE = "cutover.json"
CONFIRMED_STEPS = {
    "freeze": "Freeze writes in Bluetrait",
    "system-of-record": "Designate Twenty as the system of record",
}


@dataclass(frozen=True)
class CutoverStep:
    """One step of the checklist and its state."""

    key: str
    title: str
    done: bool
    detail: str
    next_action: str


def confirm_step(
    project_dir: Path, key: str, *, journal_file: Path, note: str | None = None
) -> None:
    """Record that a person finished a step that only a person can confirm.

    Twenty can become the system of record only after the freeze, the final delta and a
    clean verification. Confirming it earlier raises an error that names the open step.
    """
    if key not in CONFIRMED_STEPS:
        raise ConfigError(
            f"Unknown cutover step: {key}.",
            hint=f"Steps a person confirms: {', '.join(CONFIRMED_STEPS)}.",
        )
    if key == "system-of-record":
        open_steps = [step for step in checklist(project_dir, journal_file)[:3] if not step.done]
        if open_steps:
            raise ConfigError(
                f"Twenty cannot become the system of record yet: {open_steps[0].title} is "
                f"not done ({open_steps[0].detail}).",
                hint=f"Next: {open_steps[0].next_action}",
            )
    state = _read(project_dir)
    state[key] = {
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "by": getpass.getuser(),
        "note": note or "",
    }
    (project_dir / CUTOVER_FILE).write_text(json.dumps(state, indent=1), encoding="utf-8")
    logger.info("Cutover step %s confirmed", key)


def checklist(project_dir: Path, journal_file: Path) -> list[CutoverStep]:
    """Return the four steps with their states, from `cutover.json` and the journal."""
    state = _read(project_dir)
    freeze = state.get("freeze")
    frozen_at = str(freeze["at"]) if freeze else None
    steps = [
        CutoverStep(
            "freeze",
            CONFIRMED_STEPS["freeze"],
            freeze is not None,
            _confirmed_text(freeze),
            "Stop the team writing to Bluetrait, then run "
            f"`bt2twenty cutover --project {project_dir} --done freeze`.",
        )
    ]

    delta_run = None
    verify_run = None
    if journal_file.is_file():
        journal = Journal.open(journal_file)
        try:
            delta_run = _last_after(journal, RunKind.DELTA, frozen_at, step=None)
            after = delta_run.finished_at if delta_run else None
            verify_run = _last_after(journal, RunKind.VERIFY, after, step=None)
        finally:
            journal.close()
    delta_done = frozen_at is not None and delta_run is not None
    steps.append(
        CutoverStep(
            "final-delta",
            "Run the final delta after the freeze",
            delta_done,
            f"run {delta_run.id} finished {delta_run.finished_at}" if delta_run else "not run",
            "Export Bluetrait again and run "
            f"`bt2twenty delta --project {project_dir} --source NEW_EXPORT`.",
        )
    )
    clean = bool(verify_run and (verify_run.summary or {}).get("clean"))
    verify_detail = "not run after the final delta"
    if verify_run is not None:
        verify_detail = f"run {verify_run.id}: {'clean' if clean else 'NOT clean'}"
    steps.append(
        CutoverStep(
            "verify",
            "Verify after the final delta, clean",
            delta_done and clean,
            verify_detail,
            f"Run `bt2twenty verify --project {project_dir}` and resolve every finding it reports.",
        )
    )
    record = state.get("system-of-record")
    steps.append(
        CutoverStep(
            "system-of-record",
            CONFIRMED_STEPS["system-of-record"],
            record is not None,
            _confirmed_text(record),
            "Tell the team Twenty is live, then run "
            f"`bt2twenty cutover --project {project_dir} --done system-of-record`.",
        )
    )
    return steps


def completed_at(project_dir: Path) -> str | None:
    """Return when Twenty was confirmed as the system of record, or None before cutover."""
    record = _read(project_dir).get("system-of-record")
    return str(record["at"]) if record else None


def _confirmed_text(confirmation: dict[str, Any] | None) -> str:
    if confirmation is None:
        return "not confirmed"
    text = f"confirmed {confirmation['at']} by {confirmation['by']}"
    if confirmation.get("note"):
        text += f" ({confirmation['note']})"
    return text


def write_checklist(steps: list[CutoverStep], path: Path) -> None:
    """Write the checklist as Markdown, with a tick per finished step."""
    lines = ["# Cutover checklist", ""]
    for number, step in enumerate(steps, start=1):
        tick = "x" if step.done else " "
        lines.append(f"{number}. [{tick}] **{step.title}**: {step.detail}")
        if not step.done:
            lines.append(f"   Next: {step.next_action}")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _read(project_dir: Path) -> dict[str, Any]:
    path = project_dir / CUTOVER_FILE
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ConfigError(
            f"{path} is not valid JSON: {error}.",
            hint="Restore the file or delete it and confirm the steps again.",
        ) from error
    return state if isinstance(state, dict) else {}


def _last_after(journal: Journal, kind: RunKind, after: str | None, *, step: str | None) -> Any:
    """Return the latest completed run of `kind` that started after `after`, or None."""
    if after is None:
        return None
    runs = [
        run
        for run in journal.runs(kind=kind)
        if run.status == RunStatus.COMPLETED
        and run.started_at >= after
        and (run.options or {}).get("step") == step
    ]
    return runs[-1] if runs else None

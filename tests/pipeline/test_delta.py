"""Delta runs on a changed copy of the reference export, and the cutover checklist."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.mapping.workflow import confirm
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.pipeline.delta import run_delta
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.verify import run_verify

from .conftest import EXPORT, Project

# A ticket no note, attachment, timesheet, article or merge points at, so it can be deleted.
FREE_TICKET = "10035"
WATERMARK = "2024-09-15 05:20:00"


def _copy_export(tmp_path: Path) -> Path:
    copy = tmp_path / "export-later"
    shutil.copytree(EXPORT, copy)
    return copy


def _edit_tickets(
    export: Path,
    changes: dict[str, dict[str, str]],
    *,
    drop: str | None = None,
    add: dict[str, str] | None = None,
) -> None:
    """Change, drop or add ticket lines in place, leaving every other byte of the file alone.

    The export's PHP-style quoting does not survive a rewrite by the csv module, so each
    changed line has its old values replaced as text. The tickets changed here are one line
    each.
    """
    path = export / "tickets.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = next(csv.reader([lines[0]]))
    output = []
    for line in lines:
        ticket_id = line.split(",", 1)[0]
        if ticket_id == drop:
            continue
        if ticket_id in changes:
            row = dict(zip(fields, next(csv.reader([line])), strict=True))
            for column, value in changes[ticket_id].items():
                assert row[column] in line, (ticket_id, column)
                line = line.replace(row[column], value, 1)
        output.append(line)
    if add is not None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([add.get(name, "") for name in fields])
        output.append(buffer.getvalue())
    path.write_text("".join(output), encoding="utf-8")


def _tickets(project: Project) -> dict[str, dict[str, Any]]:
    with project.client() as client:
        return {str(t["bluetraitId"]): t for t in client.records.iterate("tickets")}


def _counts(result: Any, name: str) -> Any:
    return next(r.counts for r in result.load.objects if r.source_object == name)


def _set_policy(project: Project, policy: str) -> None:
    path = project.path / "mapping.yaml"
    mapping = load_mapping(path)
    mapping.settings.deleted_record_policy = policy  # type: ignore[assignment]
    save_mapping(mapping, path)
    assert confirm(project.settings).problems == []


def _changed_export(tmp_path: Path) -> Path:
    export = _copy_export(tmp_path)
    _edit_tickets(
        export,
        {
            "10002": {
                "subject": "Printer still jammed (reopened)",
                "last_modified": "2024-12-01 09:00:00",
            }
        },
        drop=FREE_TICKET,
        add={
            "id": "10999",
            "key": "NEWTK999",
            "subject": "New laptop request",
            "status_name": "Open",
            "company_id": "101",
            "date_added": "2024-12-01 10:00:00",
            "last_modified": "2024-12-01 10:00:00",
            "archived": "0",
        },
    )
    return export


def test_delta_sends_changes_then_nothing(project: Project, tmp_path: Path) -> None:
    run_load(project.settings)
    export = _changed_export(tmp_path)

    first = run_delta(project.settings, source=export)
    second = run_delta(project.settings, source=export)

    tickets = _counts(first, "tickets")
    assert (tickets.new, tickets.changed) == (1, 1)
    assert [(d.source_object, d.source_id) for d in first.deletions] == [("tickets", FREE_TICKET)]
    assert first.deletions[0].action == "left in Twenty"
    stored = _tickets(project)
    assert stored["10002"]["name"] == "Printer still jammed (reopened)"
    assert stored["10999"]["name"] == "New laptop request"
    assert FREE_TICKET in stored
    assert second.changes == 0
    assert second.deletions == []
    assert second.known_deletions == 1


def test_delta_then_verify_clean(project: Project, tmp_path: Path) -> None:
    run_load(project.settings)
    export = _changed_export(tmp_path)
    run_delta(project.settings, source=export)

    # Without --source, verify and run read the export the delta read, not the discovered one.
    result = run_verify(project.settings)
    again = run_load(project.settings)

    assert result.is_clean
    assert _tickets(project)["10002"]["name"] == "Printer still jammed (reopened)"
    assert all(r.counts.unchanged == r.counts.loaded for r in again.objects if r.counts.loaded)
    tickets = next(item for item in result.objects if item.target_object == "ticket")
    assert tickets.kept_after_deletion == 1


@pytest.mark.parametrize("overlap", [0, 60])
def test_boundary_stamp_picked_up(project: Project, tmp_path: Path, overlap: int) -> None:
    project.settings = project.settings.model_copy(update={"delta_overlap_minutes": overlap})
    run_load(project.settings)
    export = _copy_export(tmp_path)

    _edit_tickets(
        export,
        {
            "10006": {"subject": "Changed at the watermark 10006", "last_modified": WATERMARK},
            "10007": {"subject": "Changed at the watermark 10007", "last_modified": WATERMARK},
            "10005": {"subject": "Changed without a new stamp"},
        },
    )
    result = run_delta(project.settings, source=export)

    stored = _tickets(project)
    assert stored["10006"]["name"] == "Changed at the watermark 10006"
    assert stored["10007"]["name"] == "Changed at the watermark 10007"
    # The source stamps 10005 as not modified since the last run, so the delta trusts it.
    assert stored["10005"]["name"] != "Changed without a new stamp"
    assert _counts(result, "tickets").changed == 2


@pytest.mark.parametrize("policy", ["remove", "flag"])
def test_deletion_policy_applied(project: Project, tmp_path: Path, policy: str) -> None:
    run_load(project.settings)
    _set_policy(project, policy)
    export = _changed_export(tmp_path)

    result = run_delta(project.settings, source=export)
    verified = run_verify(project.settings, source=export)

    stored = _tickets(project)
    if policy == "remove":
        assert result.deletions[0].action == "soft-deleted in Twenty"
        assert FREE_TICKET not in stored
    else:
        assert result.deletions[0].action == "flagged in unplacedValues"
        assert "Deleted in Bluetrait" in stored[FREE_TICKET]["unplacedValues"]
    assert verified.is_clean


def test_cutover_checklist_follows_steps(project: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["cutover", "--project", str(project.path)]
    run_load(project.settings)

    opening = runner.invoke(app, base)
    assert opening.exit_code == 0, opening.output
    assert "--done freeze" in opening.output
    early = runner.invoke(app, [*base, "--done", "system-of-record"])
    assert early.exit_code == 2
    assert "cannot become the system of record yet" in early.output

    runner.invoke(app, [*base, "--done", "freeze", "--note", "mailboxes paused"])
    export = _copy_export(tmp_path)
    run_delta(project.settings, source=export)
    run_verify(project.settings, source=export)
    closing = runner.invoke(app, [*base, "--done", "system-of-record"])

    assert closing.exit_code == 0, closing.output
    assert "Cutover complete" in closing.output
    checklist = (project.path / "reports" / "cutover.md").read_text(encoding="utf-8")
    assert checklist.count("[x]") == 4
    assert "mailboxes paused" in checklist
    late = runner.invoke(app, ["run", "--project", str(project.path)])
    assert late.exit_code == 2
    assert "--after-cutover" in late.output


def test_cutover_rejects_unknown_step(project: Project) -> None:
    result = CliRunner().invoke(app, ["cutover", "--project", str(project.path), "--done", "x"])

    assert result.exit_code == 2
    assert "freeze" in result.output

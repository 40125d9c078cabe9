"""Rollback end to end against the local stand-in: it undoes the migration and nothing else."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.journal import BatchOperation, BatchState, Journal, RunKind
from bt2twenty.mapping.workflow import confirm
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.pipeline.delta import run_delta
from bt2twenty.pipeline.load import journal_path, run_load
from bt2twenty.pipeline.rollback import UNCONFIRMED_LABEL, roll_back
from bt2twenty.sandbox import FaultSpec

from .conftest import Project

CORE = ["companies", "clients", "tickets"]
EVERYONE = "or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)"
CLASHING_EMAIL = "zoe.lee@parramattabakerypartners.com.au"
MEMBER_EMAIL = "ava.nguyen@example.com"
# Fields Twenty sets on every write, so a restored record differs from its before-image there.
WRITE_STAMP_FIELDS = ("updatedAt", "updatedBy")


def _plurals(project: Project) -> dict[str, str]:
    with project.client() as client:
        return {o["nameSingular"]: o["namePlural"] for o in client.metadata.list_objects()}


def _snapshot(project: Project, objects: list[str]) -> dict[str, dict[str, Any]]:
    """Every record of these objects, soft-deleted ones included, by object and id."""
    with project.client() as client:
        return {
            name: {r["id"]: r for r in client.records.iterate(name, filter=EVERYONE)}
            for name in objects
        }


def _migrated(project: Project) -> list[str]:
    """The plural names of every object the journal lists records in."""
    plurals = _plurals(project)
    with Journal.open(journal_path(project.settings)) as journal:
        targets = {e.target_object for e in journal.id_map_entries(include_rolled_back=True)}
    return sorted(plurals[name] for name in targets if name in plurals)


def _surviving(project: Project) -> list[str]:
    """The journal's records still in Twenty, soft-deleted ones included."""
    plurals = _plurals(project)
    with Journal.open(journal_path(project.settings)) as journal:
        created = {
            (e.target_object, e.target_id)
            for e in journal.id_map_entries(include_rolled_back=True)
            if e.origin.value == "created"
        }
    found = []
    with project.client() as client:
        for target, record_id in sorted(created):
            condition = f"and(id[eq]:{record_id},{EVERYONE})"
            found += [r["id"] for r in client.records.iterate(plurals[target], filter=condition)]
    return found


def _with_bluetrait_id(project: Project, objects: list[str]) -> dict[str, int]:
    counts = {}
    with project.client() as client:
        for name in objects:
            condition = f"and(bluetraitId[is]:NOT_NULL,{EVERYONE})"
            counts[name] = sum(1 for _ in client.records.iterate(name, filter=condition))
    return counts


def _set_policy(project: Project, policy: str) -> None:
    path = project.path / "mapping.yaml"
    mapping = load_mapping(path)
    mapping.settings.existing_record_policy = policy  # type: ignore[assignment]
    save_mapping(mapping, path)
    assert confirm(project.settings).problems == []


def _seed_existing(project: Project) -> dict[str, dict[str, Any]]:
    """A person whose email a client will clash with, and records nothing in the export names."""
    with project.client() as client:
        clashing = client.records.create(
            "people",
            {
                "name": {"firstName": "Zoe", "lastName": "Existing"},
                "emails": {"primaryEmail": CLASHING_EMAIL, "additionalEmails": None},
                "jobTitle": "Was here first",
            },
        )
        bystander = client.records.create("companies", {"name": "Bystander Pty Ltd"})
    return {"clashing": clashing, "bystander": bystander}


def _edit_as_member(project: Project, objects_path: str, record_id: str) -> None:
    with project.sandbox.member_client(MEMBER_EMAIL) as http:
        response = http.patch(f"/rest/{objects_path}/{record_id}", json={"name": "Renamed in UI"})
        response.raise_for_status()


def _company(project: Project, bluetrait_id: str) -> dict[str, Any]:
    with project.client() as client:
        return next(
            c for c in client.records.iterate("companies") if c["bluetraitId"] == bluetrait_id
        )


def test_full_rollback_restores_workspace(project: Project) -> None:
    _set_policy(project, "update")
    seeded = _seed_existing(project)
    standard = ["companies", "people", "notes", "noteTargets", "opportunities"]
    before = _snapshot(project, standard)

    run_load(project.settings)
    objects = _migrated(project)
    assert "tickets" in objects
    assert "noteTargets" in objects
    with Journal.open(journal_path(project.settings)) as journal:
        entry = journal.id_map_entry("clients", "1002")
    assert entry is not None
    assert entry.origin.value == "updated"

    result = roll_back(project.settings)

    assert result.exit_code == 0, result.lines()
    assert result.left_alone == []
    assert result.checked_by_actor_only == 0
    assert sum(report.restored for report in result.objects) == 1
    assert _surviving(project) == []
    after = _snapshot(project, standard)
    clashing_id = seeded["clashing"]["id"]
    for name in standard:
        assert set(after[name]) == set(before[name]), name
        for record_id, record in before[name].items():
            if record_id == clashing_id:
                continue
            assert after[name][record_id] == record, (name, record_id)
    restored = after["people"][clashing_id]
    for key, value in before["people"][clashing_id].items():
        if key not in WRITE_STAMP_FIELDS:
            assert restored[key] == value, key


@pytest.mark.parametrize("editor", ["member", "api-key"])
def test_edited_record_kept_unless_forced(project: Project, editor: str) -> None:
    run_load(project.settings, only=CORE)
    victim = _company(project, "105")
    if editor == "member":
        _edit_as_member(project, "companies", victim["id"])
    else:
        with project.client() as client:
            client.records.update("companies", victim["id"], {"name": "Renamed by a script"})

    result = roll_back(project.settings)

    assert result.exit_code == 1
    assert [item.target_id for item in result.left_alone] == [victim["id"]]
    reason = result.left_alone[0].reason
    expected_actor = "Ava Nguyen (MANUAL)" if editor == "member" else "Sandbox API key (API)"
    assert f"edited in Twenty by {expected_actor}" in reason
    with project.client() as client:
        kept = client.records.get("companies", victim["id"])
    assert kept["bluetraitId"] == "105"
    report = json.loads(result.report_paths[1].read_text())
    assert report["left_alone"][0]["target_id"] == victim["id"]
    assert victim["id"] in result.report_paths[0].read_text()

    forced = roll_back(project.settings, force=True)

    assert forced.exit_code == 0
    assert sum(report.destroyed for report in forced.objects) == 1
    assert _with_bluetrait_id(project, ["companies", "people", "tickets"]) == {
        "companies": 0,
        "people": 0,
        "tickets": 0,
    }


def test_dry_run_changes_nothing(project: Project) -> None:
    run_load(project.settings, only=CORE)
    journal_file = journal_path(project.settings)
    with Journal.open(journal_file) as journal:
        status_before = journal.status().as_dict()
    records_before = _snapshot(project, ["companies", "people", "tickets"])
    project.sandbox.clear_request_log()

    result = roll_back(project.settings, dry_run=True)

    assert result.run_id is None
    assert {r.source_object: r.destroyed for r in result.objects} == {
        "tickets": 400,
        "clients": 133,
        "companies": 42,
    }
    assert {entry.method for entry in project.sandbox.request_log} == {"GET"}
    assert _snapshot(project, ["companies", "people", "tickets"]) == records_before
    with Journal.open(journal_file) as journal:
        assert journal.status().as_dict() == status_before


def test_sample_run_rollback_keeps_full_run(project: Project) -> None:
    sample = run_load(project.settings, only=CORE, sample=5)
    run_load(project.settings, only=CORE)
    with Journal.open(journal_path(project.settings)) as journal:
        sampled = {
            (e.target_object, e.target_id) for e in journal.id_map_entries(run_id=sample.run_id)
        }
    assert 5 <= sum(1 for target, _ in sampled if target == "ticket") < 400

    result = roll_back(project.settings, only_run=sample.run_id)

    assert result.exit_code == 0
    remaining = _snapshot(project, ["companies", "people", "tickets"])
    kept = {(t, i) for t, records in remaining.items() for i in records}
    plurals = _plurals(project)
    assert not {(plurals[t], i) for t, i in sampled} & kept
    assert len(remaining["tickets"]) == 400 - sum(1 for t, _ in sampled if t == "ticket")


def test_rerun_after_rollback_same_counts(project: Project) -> None:
    first = run_load(project.settings)
    assert roll_back(project.settings).exit_code == 0

    second = run_load(project.settings)

    assert [r.as_json() for r in second.objects] == [r.as_json() for r in first.objects]
    with Journal.open(journal_path(project.settings)) as journal:
        reasons = [" ".join(q.reasons) for q in journal.quarantined()]
    assert not [reason for reason in reasons if "already" in reason or "duplicate" in reason]


def _rollback_batches(project: Project) -> int:
    path = journal_path(project.settings)
    with Journal.open(path) as journal:
        runs = {run.id for run in journal.runs(kind=RunKind.ROLLBACK)}
        return sum(
            1
            for batch in journal.batches(state=BatchState.CONFIRMED)
            if batch.run_id in runs and batch.operation is BatchOperation.DELETE
        )


def test_killed_rollback_finished_next_time(project: Project) -> None:
    run_load(project.settings, only=CORE)
    project.sandbox.set_faults(FaultSpec(latency_seconds=0.05))
    command = [sys.executable, "-m", "bt2twenty", "rollback", "--project", str(project.path)]
    env = {**os.environ, **project.env(), "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _rollback_batches(project) < 3 and process.poll() is None:
        assert time.monotonic() < deadline, "the rollback never reached the kill point"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    project.sandbox.set_faults(FaultSpec())
    assert _with_bluetrait_id(project, ["tickets"])["tickets"] > 0

    result = roll_back(project.settings)

    assert result.exit_code == 0
    assert set(_with_bluetrait_id(project, ["companies", "people", "tickets"]).values()) == {0}
    with Journal.open(journal_path(project.settings)) as journal:
        statuses = [run.status.value for run in journal.runs(kind=RunKind.ROLLBACK)]
        assert journal.unconfirmed_batches() == []
        assert sum(count.active for count in journal.count_by_object()) == 0
    assert statuses == ["interrupted", "completed"]


def test_schema_rollback_removes_created_only(project: Project) -> None:
    run_load(project.settings, only=CORE)
    with project.client() as client:
        objects_before = {o["nameSingular"]: o for o in client.metadata.list_objects()}
        fields_before = client.metadata.list_fields()
    standard_before = {
        (f["objectMetadataId"], f["name"]) for f in fields_before if f.get("isCustom") is False
    }
    with Journal.open(journal_path(project.settings)) as journal:
        created = journal.schema_changes()
    created_objects = {c.object_name for c in created if c.kind.value == "create_object"}
    assert "ticket" in created_objects

    result = roll_back(project.settings, schema=True)

    assert result.exit_code == 0, result.lines()
    with project.client() as client:
        objects_after = {o["nameSingular"] for o in client.metadata.list_objects()}
        fields_after = client.metadata.list_fields()
    assert not created_objects & objects_after
    assert not any(f.get("name") == "bluetraitId" for f in fields_after)
    kept_object_ids = {objects_before[name]["id"] for name in objects_after}
    standard_kept = {(o, n) for o, n in standard_before if o in kept_object_ids}
    assert standard_kept <= {(f["objectMetadataId"], f["name"]) for f in fields_after}
    with Journal.open(journal_path(project.settings)) as journal:
        assert journal.schema_changes() == []


def test_cli_exit_code_for_kept_records(project: Project) -> None:
    run_load(project.settings, only=["companies"])
    victim = _company(project, "105")
    _edit_as_member(project, "companies", victim["id"])

    runner = CliRunner()
    result = runner.invoke(app, ["rollback", "--project", str(project.path), "--json"])

    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["left_alone"][0]["target_id"] == victim["id"]
    assert (project.path / "reports" / f"rollback-{document['run_id']}.md").is_file()


def test_old_journal_checks_updated_by(project: Project) -> None:
    run_load(project.settings, only=CORE)
    path = journal_path(project.settings)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE id_map SET written_updated_at = NULL, written_by = NULL")
    victim = _company(project, "105")
    _edit_as_member(project, "companies", victim["id"])

    result = roll_back(project.settings)

    assert [item.target_id for item in result.left_alone] == [victim["id"]]
    assert result.checked_by_actor_only == sum(r.total - r.unlinked for r in result.objects)
    assert "only their updatedBy was checked" in result.report_paths[0].read_text()
    assert _with_bluetrait_id(project, ["tickets"]) == {"tickets": 0}


def _sent_batches(project: Project) -> int:
    with Journal.open(journal_path(project.settings)) as journal:
        return len(journal.batches(state=BatchState.SENT))


def test_rollback_after_killed_load(project: Project) -> None:
    # The kill lands while the stand-in waits on a sent batch, which it then creates.
    project.sandbox.set_faults(FaultSpec(latency_seconds=0.5))
    command = [sys.executable, "-m", "bt2twenty", "run", "--project", str(project.path)]
    for name in CORE:
        command += ["--only", name]
    env = {**os.environ, **project.env(), "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _sent_batches(project) == 0 and process.poll() is None:
        assert time.monotonic() < deadline, "the load never sent a batch"
        time.sleep(0.02)
    time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(1.0)
    project.sandbox.set_faults(FaultSpec())
    with Journal.open(journal_path(project.settings)) as journal:
        unconfirmed = [item.target_id for b in journal.unconfirmed_batches() for item in b.items]
    arrived = _present(project, unconfirmed)
    assert arrived, "no record of an unconfirmed batch reached the stand-in"

    result = roll_back(project.settings)

    assert result.exit_code == 0, result.lines()
    assert set(_with_bluetrait_id(project, ["companies", "people", "tickets"]).values()) == {0}
    orphans = [r for r in result.objects if r.source_object == UNCONFIRMED_LABEL]
    assert sum(r.destroyed for r in orphans) == len(arrived)


def _present(project: Project, ids: list[str]) -> list[str]:
    found = []
    with project.client() as client:
        for objects_path in ("companies", "people", "tickets"):
            condition = f"and(id[in]:{json.dumps(ids)},{EVERYONE})"
            found += [r["id"] for r in client.records.iterate(objects_path, filter=condition)]
    return found


def test_parents_of_kept_record_are_kept(project: Project) -> None:
    run_load(project.settings, only=CORE)
    with project.client() as client:
        ticket = next(t for t in client.records.iterate("tickets") if t["companyId"])
    with project.sandbox.member_client(MEMBER_EMAIL) as http:
        response = http.patch(f"/rest/tickets/{ticket['id']}", json={"name": "Edited in UI"})
        response.raise_for_status()

    result = roll_back(project.settings)

    kept = {item.target_id: item.reason for item in result.left_alone}
    assert "Ava Nguyen (MANUAL)" in kept[ticket["id"]]
    assert "links to it" in kept[ticket["companyId"]]
    with project.client() as client:
        still = client.records.get("tickets", ticket["id"])
    assert still["companyId"] == ticket["companyId"]
    assert _with_bluetrait_id(project, ["tickets"]) == {"tickets": 1}


@pytest.mark.parametrize("policy", ["remove", "flag"])
def test_rollback_after_delta(project: Project, tmp_path: Path, policy: str) -> None:
    from .test_delta import _changed_export
    from .test_delta import _set_policy as _set_deleted_policy

    run_load(project.settings)
    _set_deleted_policy(project, policy)
    run_delta(project.settings, source=_changed_export(tmp_path))

    result = roll_back(project.settings)

    assert result.left_alone == []
    assert result.exit_code == 0
    assert _surviving(project) == []

"""Ticket attachments: uploaded, linked to their tickets, resumable, verified byte for byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.journal import BatchItem, BatchOperation, Journal, Origin, RunKind
from bt2twenty.mapping.workflow import confirm, propose
from bt2twenty.pipeline.attachments import AttachmentStatus, verify_attachments
from bt2twenty.pipeline.attachments.stored import file_location
from bt2twenty.pipeline.load import journal_path, run_load
from bt2twenty.pipeline.verify import run_verify
from bt2twenty.sandbox import FaultSpec, SandboxConfig, running_sandbox
from bt2twenty.schema.workflow import apply
from bt2twenty.settings import load_settings
from bt2twenty.sources.bluetrait import open_export

from .conftest import API_KEY, EXPORT, Project

ATTACHMENTS = "ticket_attachments"
WITH_TICKETS = ["companies", "clients", "tickets", ATTACHMENTS]


@pytest.fixture(scope="session")
def era_templates(tmp_path_factory: pytest.TempPathFactory, discovered: Path) -> dict[str, Path]:
    """A confirmed project with its schema applied per era, each built once."""
    templates = {}
    for era in ("v1", "v2"):
        folder = tmp_path_factory.mktemp(f"template-{era}")
        project_dir = folder / "project"
        project_dir.mkdir()
        (project_dir / "source-profile.json").write_bytes(discovered.read_bytes())
        config = SandboxConfig(
            api_key=API_KEY, era=era, rate_limit_per_minute=None, data_path=folder / "twenty.sqlite"
        )
        with running_sandbox(config) as sandbox, pytest.MonkeyPatch.context() as patch:
            patch.setenv("TWENTY_API_KEY", API_KEY)
            patch.setenv("TWENTY_API_URL", sandbox.url)
            settings = load_settings(
                project_dir, rate_limit_per_minute=100_000, burst_per_second=100_000
            )
            propose(settings)
            assert confirm(settings).problems == []
            apply(settings)
        templates[era] = folder
    return templates


@pytest.fixture(params=["v1", "v2"])
def era_project(
    request: pytest.FixtureRequest,
    era_templates: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Project]:
    """A fresh copy of an era's template project, served by a stand-in of that era."""
    era = request.param
    folder = tmp_path / "copy"
    shutil.copytree(era_templates[era], folder)
    config = SandboxConfig(
        api_key=API_KEY, era=era, rate_limit_per_minute=None, data_path=folder / "twenty.sqlite"
    )
    with running_sandbox(config) as sandbox:
        monkeypatch.setenv("TWENTY_API_KEY", API_KEY)
        monkeypatch.setenv("TWENTY_API_URL", sandbox.url)
        settings = load_settings(
            folder / "project", rate_limit_per_minute=100_000, burst_per_second=100_000
        )
        yield Project(folder / "project", sandbox, settings)


def _export_files() -> dict[str, bytes]:
    """Return {attachment row id: the bytes of its file in the reference export}."""
    rows = _csv_rows(EXPORT / "ticket_attachments.csv")
    return {row["id"]: (EXPORT / row["path"]).read_bytes() for row in rows}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _attachments(project: Project) -> dict[str, dict[str, Any]]:
    with project.client() as client:
        return {str(r["bluetraitId"]): r for r in client.records.iterate("attachments")}


def _download(project: Project, record: dict[str, Any]) -> bytes:
    location = file_location(record, era=project.sandbox.era)
    assert location is not None, record
    with project.client() as client:
        return client.download_file(location)


def _uploads(project: Project, since: int = 0) -> list[Any]:
    return [
        entry
        for entry in project.sandbox.request_log[since:]
        if entry.method == "POST" and entry.path in ("/graphql", "/metadata")
    ]


def _report(result: Any, name: str = ATTACHMENTS) -> Any:
    return next(report for report in result.objects if report.source_object == name)


def test_fixture_attachments_load(era_project: Project) -> None:
    result = run_load(era_project.settings, only=WITH_TICKETS)

    report = _report(result)
    assert report.counts.read == 12, report.line()
    assert report.counts.loaded == 12, report.line()
    assert report.counts.quarantined == 0, report.line()
    assert report.counts.is_balanced, report.line()
    assert report.in_twenty == 12
    assert len(_uploads(era_project)) == 12

    attachments = _attachments(era_project)
    with era_project.client() as client:
        tickets = {str(t["bluetraitId"]): t["id"] for t in client.records.iterate("tickets")}
    rows = {row["id"]: row for row in _csv_rows(EXPORT / "ticket_attachments.csv")}
    for source_id, content in _export_files().items():
        record = attachments[source_id]
        assert _download(era_project, record) == content, source_id
        assert record["targetTicketId"] == tickets[rows[source_id]["ticket_id"]]
        assert record["name"] == rows[source_id]["file_name"]
    assert attachments["3"]["fileCategory"] == "TEXT_DOCUMENT"
    assert attachments["2"]["fileCategory"] == "IMAGE"


def test_second_run_uploads_nothing(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS)
    before = len(era_project.sandbox.request_log)

    again = run_load(era_project.settings, only=[ATTACHMENTS])

    report = _report(again)
    assert report.counts.unchanged == 12, report.line()
    assert report.counts.is_balanced, report.line()
    assert _uploads(era_project, before) == []
    assert len(_attachments(era_project)) == 12


def _attachment_batches(project: Project) -> int:
    path = journal_path(project.settings)
    if not path.exists():
        return 0
    journal = Journal.open(path)
    try:
        return sum(
            1
            for batch in journal.batches()
            if batch.target_object == "attachment" and batch.state.value == "confirmed"
        )
    finally:
        journal.close()


def test_killed_upload_run_resumes(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS[:-1])
    era_project.sandbox.set_faults(FaultSpec(latency_seconds=0.2))
    command = [
        sys.executable,
        "-m",
        "bt2twenty",
        "run",
        "--project",
        str(era_project.path),
        "--only",
        ATTACHMENTS,
    ]
    env = {**os.environ, **era_project.env(), "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _attachment_batches(era_project) < 3 and process.poll() is None:
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    era_project.sandbox.set_faults(FaultSpec())
    killed_after = _attachment_batches(era_project)
    assert 3 <= killed_after < 12

    result = run_load(era_project.settings, only=[ATTACHMENTS])

    report = _report(result)
    assert report.counts.is_balanced, report.line()
    assert report.counts.unchanged >= killed_after, report.line()
    attachments = _attachments(era_project)
    assert sorted(attachments, key=int) == [str(n) for n in range(1, 13)]
    for source_id, content in _export_files().items():
        assert _download(era_project, attachments[source_id]) == content, source_id
    with era_project.client() as client:
        ids = [str(r["bluetraitId"]) for r in client.records.iterate("attachments")]
    assert Counter(ids).most_common(1)[0][1] == 1


def test_interrupted_record_not_uploaded_again(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS)
    record_id = _attachments(era_project)["3"]["id"]
    journal = Journal.open(journal_path(era_project.settings))
    try:
        crashed = journal.start_run(RunKind.LOAD, options={})
        item = BatchItem(ATTACHMENTS, "3", record_id, "sha256=unknown", Origin.CREATED)
        batch = journal.add_batch(
            crashed.id, target_object="attachment", operation=BatchOperation.UPSERT, items=[item]
        )
        journal.mark_sent(batch.id)
        journal.mark_rolled_back(ATTACHMENTS, ["3"], run_id=crashed.id)
    finally:
        journal.close()
    before = len(era_project.sandbox.request_log)

    result = run_load(era_project.settings, only=[ATTACHMENTS])

    report = _report(result)
    assert report.counts.loaded == 12, report.line()
    assert report.counts.unchanged == 11, report.line()
    assert _uploads(era_project, before) == []
    assert len(_attachments(era_project)) == 12
    journal = Journal.open(journal_path(era_project.settings))
    try:
        entry = journal.id_map_entry(ATTACHMENTS, "3")
    finally:
        journal.close()
    assert entry is not None
    assert entry.rolled_back_at is None
    assert entry.payload_hash.startswith("sha256=93dceb96")


def _edge_export(tmp_path: Path) -> Path:
    """Copy the reference export and add attachment rows for the hard cases."""
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    folder = export / "files" / "tickets" / "10008"
    decomposed = unicodedata.normalize("NFD", "Résumé – final.txt")
    (folder / f"13-{decomposed}").write_bytes(b"curriculum vitae\n")
    (folder / "14-empty.txt").write_bytes(b"second file, same name as row 1\n")
    with (export / "ticket_attachments.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            f"13,10008,,{decomposed},files/tickets/10008/13-{decomposed},text/plain,"
            "2023-09-19 10:58:00,17,\n"
            "14,10008,,empty.txt,files/tickets/10008/14-empty.txt,text/plain,"
            "2023-09-19 10:59:00,,\n"
            "15,10008,,gone.pdf,files/tickets/10008/15-gone.pdf,application/pdf,"
            "2023-09-19 11:00:00,,\n"
            "16,99999,,orphan.txt,files/tickets/10008/14-empty.txt,text/plain,"
            "2023-09-19 11:01:00,,\n"
        )
    return export


def test_hard_cases_load_or_quarantine(era_project: Project, tmp_path: Path) -> None:
    export = _edge_export(tmp_path)

    result = run_load(era_project.settings, source=export, only=WITH_TICKETS)

    report = _report(result)
    assert report.counts.read == 16, report.line()
    assert report.counts.loaded == 14, report.line()
    assert report.counts.quarantined == 2, report.line()
    assert report.counts.is_balanced, report.line()
    attachments = _attachments(era_project)
    assert attachments["1"]["name"] == "empty.txt"
    assert _download(era_project, attachments["1"]) == b""
    assert attachments["14"]["name"] == "empty.txt"
    assert attachments["14"]["id"] != attachments["1"]["id"]
    assert attachments["14"]["targetTicketId"] == attachments["1"]["targetTicketId"]
    assert attachments["13"]["name"] == unicodedata.normalize("NFC", "Résumé – final.txt")
    assert _download(era_project, attachments["13"]) == b"curriculum vitae\n"

    journal = Journal.open(journal_path(era_project.settings))
    try:
        reasons = {q.source_id: " ".join(q.reasons) for q in journal.quarantined()}
    finally:
        journal.close()
    assert "files/tickets/10008/15-gone.pdf" in reasons["15"]
    assert "not in the export" in reasons["15"]
    assert "ticket 99999 is not loaded" in reasons["16"]


def test_oversized_file_quarantined(era_project: Project) -> None:
    settings = era_project.settings.model_copy(update={"attachment_max_bytes": 1000})

    result = run_load(settings, only=WITH_TICKETS)

    report = _report(result)
    oversized = {source_id for source_id, data in _export_files().items() if len(data) > 1000}
    assert report.counts.quarantined == len(oversized), report.line()
    assert report.counts.loaded == 12 - len(oversized), report.line()
    journal = Journal.open(journal_path(settings))
    try:
        reasons = {q.source_id: " ".join(q.reasons) for q in journal.quarantined()}
    finally:
        journal.close()
    assert set(reasons) >= oversized
    assert all("upload limit of 1,000 bytes" in reasons[source_id] for source_id in oversized)


def test_zip_export_loads(era_project: Project, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for file in sorted(EXPORT.rglob("*")):
            if file.is_file():
                bundle.write(file, f"export/{file.relative_to(EXPORT).as_posix()}")

    result = run_load(era_project.settings, source=archive, only=WITH_TICKETS)

    report = _report(result)
    assert report.counts.loaded == 12, report.line()
    attachments = _attachments(era_project)
    for source_id, content in _export_files().items():
        assert _download(era_project, attachments[source_id]) == content, source_id


def test_verify_finds_changed_files(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS)
    journal = Journal.open(journal_path(era_project.settings))
    try:
        with era_project.client() as client, open_export(EXPORT) as export:
            clean = verify_attachments(client, journal, export)
            assert len(clean) == 12
            assert all(check.status is AttachmentStatus.OK for check in clean), clean

            attachments = _attachments(era_project)
            store = era_project.sandbox.runtime.workspace.store
            resized = _stored_key(era_project, attachments["2"])
            original = _export_files()["8"]
            tampered = bytes([original[0] ^ 0xFF]) + original[1:]
            with era_project.sandbox.runtime.transaction():
                store.replace_file_content(resized, b"changed")
                store.replace_file_content(_stored_key(era_project, attachments["8"]), tampered)

            checks = {
                check.source_id: check for check in verify_attachments(client, journal, export)
            }
    finally:
        journal.close()

    assert checks["2"].status is AttachmentStatus.SIZE_MISMATCH
    assert checks["2"].expected_size == 64
    assert checks["2"].actual_size == len(b"changed")
    assert checks["8"].status is AttachmentStatus.CHECKSUM_MISMATCH
    assert checks["8"].expected_sha256 == hashlib.sha256(original).hexdigest()
    assert checks["8"].actual_sha256 == hashlib.sha256(tampered).hexdigest()
    assert checks["8"].expected_size == checks["8"].actual_size
    others = [check for source_id, check in checks.items() if source_id not in {"2", "8"}]
    assert all(check.status is AttachmentStatus.OK for check in others)


def test_verify_reports_missing_record(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS)
    attachments = _attachments(era_project)
    with era_project.client() as client:
        client.records.delete("attachments", attachments["5"]["id"], soft=False)
        journal = Journal.open(journal_path(era_project.settings))
        try:
            with open_export(EXPORT) as export:
                checks = {c.source_id: c for c in verify_attachments(client, journal, export)}
        finally:
            journal.close()

    assert checks["5"].status is AttachmentStatus.MISSING
    assert checks["5"].expected_size == 1792
    assert checks["5"].actual_size is None


def _stored_key(project: Project, record: dict[str, Any]) -> str:
    """Return the stand-in's storage key of a record's file: its path (1.x) or file id (2.x)."""
    if project.sandbox.era == "v1":
        return str(record["fullPath"])
    return str(record["file"][0]["fileId"])


def test_verify_stage_checks_attachment_bytes(era_project: Project) -> None:
    run_load(era_project.settings, only=WITH_TICKETS)
    attachments = _attachments(era_project)
    store = era_project.sandbox.runtime.workspace.store
    with era_project.sandbox.runtime.transaction():
        store.replace_file_content(_stored_key(era_project, attachments["4"]), b"changed")

    result = run_verify(era_project.settings)

    verification = next(item for item in result.objects if item.target_object == "attachment")
    assert verification.expected == 12
    assert verification.verified == 11
    assert verification.mismatched_records == 1
    assert not result.is_clean
    finding = verification.findings[0]
    assert finding.source_id == "4"
    assert finding.expected.startswith("608 bytes")
    assert finding.stored.startswith("7 bytes")
    report = result.reports["markdown"].read_text(encoding="utf-8")
    assert "attachment" in report
    assert "7 bytes, SHA-256" in report

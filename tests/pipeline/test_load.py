"""The load stage end to end against the local stand-in."""

from __future__ import annotations

from collections import Counter

import pytest

from bt2twenty.journal import Journal
from bt2twenty.pipeline.load import journal_path, run_load
from bt2twenty.sandbox import FaultSpec

from .conftest import Project

CORE = ["companies", "clients", "tickets"]


def _bluetrait_ids(project: Project, objects_path: str) -> list[str]:
    with project.client() as client:
        return [str(r.get("bluetraitId")) for r in client.records.iterate(objects_path)]


def test_core_objects_reconcile(project: Project) -> None:
    result = run_load(project.settings, only=CORE)
    reports = {report.source_object: report for report in result.objects}
    assert list(reports) == CORE
    for report in reports.values():
        assert report.counts.is_balanced, report.line()
        assert report.in_twenty == report.counts.loaded - report.counts.linked
    assert reports["companies"].counts.read == 42
    assert reports["clients"].counts.read == 133
    assert reports["tickets"].counts.read == 400


def test_loaded_records_carry_values(project: Project) -> None:
    run_load(project.settings, only=CORE)
    with project.client() as client:
        companies = {c["bluetraitId"]: c for c in client.records.iterate("companies")}
        people = {p["bluetraitId"]: p for p in client.records.iterate("people")}
        tickets = {t["bluetraitId"]: t for t in client.records.iterate("tickets")}
    assert companies["141"]["name"] == "Daintree Accounting Pty. Ltd. (2)"
    assert people["1002"]["companyId"] == companies["102"]["id"]
    assert people["1133"]["companyId"] is None
    assert tickets["10043"]["createdAt"].startswith("2024-01-14T22:00:00")


def test_second_run_sends_nothing(project: Project) -> None:
    run_load(project.settings, only=CORE)
    before = len(project.sandbox.request_log)
    again = run_load(project.settings, only=CORE)
    for report in again.objects:
        assert report.counts.unchanged == report.counts.loaded, report.line()
    posts = [e for e in project.sandbox.request_log[before:] if e[0] == "POST"]
    assert posts == []
    assert len(_bluetrait_ids(project, "companies")) == 42


def test_orphan_and_duplicates_reported(project: Project) -> None:
    run_load(project.settings, only=CORE)
    journal = Journal.open(journal_path(project.settings))
    try:
        quarantined = {(q.source_object, q.source_id) for q in journal.quarantined()}
    finally:
        journal.close()
    assert ("clients", "1133") not in quarantined
    assert len(set(_bluetrait_ids(project, "people"))) == 133


def test_sample_then_full_run(project: Project) -> None:
    sample = run_load(project.settings, only=CORE, sample=5)
    tickets = next(r for r in sample.objects if r.source_object == "tickets")
    assert tickets.counts.loaded == 5
    assert tickets.counts.skip_rules == {"sample run: not selected": 395}
    companies = next(r for r in sample.objects if r.source_object == "companies")
    assert companies.counts.loaded >= 5

    full = run_load(project.settings, only=CORE)
    assert all(report.counts.is_balanced for report in full.objects)
    assert len(_bluetrait_ids(project, "tickets")) == 400


@pytest.mark.parametrize(
    "faults",
    [FaultSpec(error_rate=0.3, seed=11), FaultSpec(drop_rate=0.3, seed=12)],
    ids=["server-errors", "dropped-connections"],
)
def test_faults_never_duplicate(project: Project, faults: FaultSpec) -> None:
    project.sandbox.set_faults(faults)
    result = run_load(project.settings, only=CORE)
    project.sandbox.set_faults(FaultSpec())
    assert all(report.counts.is_balanced for report in result.objects)
    ids = _bluetrait_ids(project, "tickets")
    assert len(ids) == 400
    assert Counter(ids).most_common(1)[0][1] == 1


def test_rate_limit_storm_slows_down(project: Project) -> None:
    project.sandbox.set_faults(FaultSpec(storm_seconds=2))
    result = run_load(project.settings, only=["companies"])
    project.sandbox.set_faults(FaultSpec())
    assert result.objects[0].counts.loaded == 42
    assert 429 in [entry[2] for entry in project.sandbox.request_log]


def test_deleted_behind_back_sent_again(project: Project) -> None:
    run_load(project.settings, only=["companies"])
    with project.client() as client:
        victim = next(c for c in client.records.iterate("companies") if c["bluetraitId"] == "105")
        client.records.delete("companies", victim["id"], soft=False)

    again = run_load(project.settings, only=["companies"])
    assert again.objects[0].in_twenty == 42
    with project.client() as client:
        restored = client.records.get("companies", victim["id"])
    assert restored["bluetraitId"] == "105"


@pytest.mark.parametrize(
    ("policy", "deleted"),
    [("link", False), ("quarantine", False), ("update", False), ("link", True)],
    ids=["link", "quarantine", "update", "deleted-holder"],
)
def test_existing_email_follows_policy(project: Project, policy: str, deleted: bool) -> None:
    from bt2twenty.mapping.workflow import confirm
    from bt2twenty.mapping.yamlfile import load_mapping, save_mapping

    path = project.path / "mapping.yaml"
    mapping = load_mapping(path)
    mapping.settings.existing_record_policy = policy  # type: ignore[assignment]
    save_mapping(mapping, path)
    assert confirm(project.settings).problems == []

    email = "zoe.lee@parramattabakerypartners.com.au"
    with project.client() as client:
        existing = client.records.create(
            "people",
            {
                "name": {"firstName": "Zoe", "lastName": "Existing"},
                "emails": {"primaryEmail": email, "additionalEmails": None},
                "jobTitle": "Was here first",
            },
        )
        if deleted:
            client.records.delete("people", existing["id"], soft=True)

    result = run_load(project.settings, only=["companies", "clients"])
    clients = next(r for r in result.objects if r.source_object == "clients")
    assert clients.counts.is_balanced

    journal = Journal.open(journal_path(project.settings))
    try:
        entry = journal.id_map_entry("clients", "1002")
        quarantined = {q.source_id: q.reasons for q in journal.quarantined(source_object="clients")}
        before = journal.before_image("person", existing["id"])
    finally:
        journal.close()
    if deleted:
        assert "1002" in quarantined
        assert "deleted" in quarantined["1002"][0]
    elif policy == "quarantine":
        assert "1002" in quarantined
    else:
        assert entry is not None
        assert entry.target_id == existing["id"]
        assert entry.origin.value == ("linked" if policy == "link" else "updated")
    if policy == "update" and not deleted:
        assert before is not None
        assert before.record["jobTitle"] == "Was here first"


def test_full_run_accounts_every_file(project: Project) -> None:
    result = run_load(project.settings)
    reports = {report.source_object: report for report in result.objects}
    for name in ("agents", "passwords", "users", "article_tickets"):
        assert reports[name].counts.skipped == reports[name].counts.read > 0, name
        assert all(rule.startswith("not migrated") for rule in reports[name].counts.skip_rules)
    assert all(report.counts.is_balanced for report in result.objects)
    assert result.unmatched_users

    with project.client() as client:
        ticket = next(t for t in client.records.iterate("tickets") if t["bluetraitId"] == "10001")
    assert ticket["assigneeId"] is None
    assert "no workspace member" in ticket["unplacedValues"]

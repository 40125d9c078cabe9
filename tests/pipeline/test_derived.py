"""Device notes on companies and article links, built from several source rows each."""

from __future__ import annotations

import csv
from collections import defaultdict
from typing import Any

from bt2twenty.mapping.workflow import confirm
from bt2twenty.mapping.yamlfile import load_mapping, save_mapping
from bt2twenty.pipeline.load import run_load
from bt2twenty.pipeline.rollback import roll_back
from bt2twenty.pipeline.verify import run_verify

from .conftest import EXPORT, Project


def _rows(name: str) -> list[dict[str, str]]:
    with (EXPORT / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _records(project: Project, objects_path: str) -> list[dict[str, Any]]:
    with project.client() as client:
        return list(client.records.iterate(objects_path))


def _by_source_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(record["bluetraitId"]): record for record in records}


def test_device_note_per_company(project: Project) -> None:
    run_load(project.settings)

    companies = _by_source_id(_records(project, "companies"))
    notes = _by_source_id(_records(project, "notes"))
    targets = _records(project, "noteTargets")
    agents = _rows("agents")
    by_company: dict[str, list[dict[str, str]]] = defaultdict(list)
    for agent in agents:
        by_company[agent["company_id"]].append(agent)

    for company_id, devices in by_company.items():
        if company_id not in companies:
            continue
        note = notes[f"agents.company_id:{company_id}"]
        body = note["bodyV2"]["markdown"]
        assert note["title"] == f"Devices from Bluetrait RMM ({len(devices)})"
        for device in devices:
            assert device["name"] in body
            assert device["hw_serial_number"] in body
        linked = [t for t in targets if t["noteId"] == note["id"]]
        assert [t["targetCompanyId"] for t in linked] == [companies[company_id]["id"]]


def test_open_alert_listed_on_device(project: Project) -> None:
    run_load(project.settings)

    alert = next(a for a in _rows("agent_alerts") if not a["date_resolved"])
    agent = next(a for a in _rows("agents") if a["id"] == alert["agent_id"])
    notes = _by_source_id(_records(project, "notes"))
    body = notes[f"agents.company_id:{agent['company_id']}"]["bodyV2"]["markdown"]

    row = next(line for line in body.splitlines() if agent["name"] in line)
    assert f"{alert['type']} ({alert['severity']})".replace("_", "\\_") in row


def test_article_linked_to_ticket_parents(project: Project) -> None:
    run_load(project.settings)

    companies = {c["id"]: c for c in _records(project, "companies")}
    tickets = {str(t["bluetraitId"]): t for t in _records(project, "tickets")}
    notes = _by_source_id(_records(project, "notes"))
    targets = _records(project, "noteTargets")
    link = _rows("article_tickets")[0]

    article = notes[f"articles:{link['article_id']}"]
    ticket = tickets[link["ticket_id"]]
    linked_companies = {t["targetCompanyId"] for t in targets if t["noteId"] == article["id"]}
    linked_people = {t["targetPersonId"] for t in targets if t["noteId"] == article["id"]}
    assert ticket["companyId"] in linked_companies
    assert all(company in companies for company in linked_companies if company)
    if ticket.get("requesterId"):
        assert ticket["requesterId"] in linked_people


def test_derived_records_not_resent(project: Project) -> None:
    run_load(project.settings)
    again = run_load(project.settings)

    derived = [r for r in again.objects if r.label is not None]
    assert [(r.source_object, r.label) for r in derived] == [
        ("agents.company_id", "device notes"),
        ("agents.company_id.target", "device note links"),
        ("articles.clients", "article links"),
        ("articles.companies", "article links"),
    ]
    for report in derived:
        assert report.counts.unchanged == report.counts.read, report.line()


def test_open_quotes_become_opportunities(project: Project) -> None:
    path = project.path / "mapping.yaml"
    mapping = load_mapping(path)
    mapping.settings.open_quotes_as_opportunities = True
    save_mapping(mapping, path)
    assert confirm(project.settings).problems == []
    quotes = [r for r in _rows("invoices") if r["type"] == "quote"]
    open_quotes = {r["id"]: r for r in quotes if r["status"] in {"Draft", "Sent"}}

    run_load(project.settings)
    verified = run_verify(project.settings)

    companies = {c["id"] for c in _records(project, "companies")}
    opportunities = {o["name"]: o for o in _records(project, "opportunities")}
    assert len(opportunities) == len(open_quotes)
    for quote in open_quotes.values():
        opportunity = opportunities[f"Quote {quote['number']}"]
        assert opportunity["amount"]["amountMicros"] == round(float(quote["total"]) * 1_000_000)
        assert opportunity["stage"] == ("PROPOSAL" if quote["status"] == "Sent" else "NEW")
        assert opportunity["companyId"] in companies
    assert verified.is_clean
    checked = next(item for item in verified.objects if item.target_object == "opportunity")
    assert checked.verified == len(open_quotes)
    rolled_back = roll_back(project.settings)
    assert rolled_back.left_alone == []
    assert _records(project, "opportunities") == []

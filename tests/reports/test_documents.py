"""Each hand-over document from the reference export, with the rows a person expects."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bt2twenty.cli.app import app
from bt2twenty.errors import ConfigError
from bt2twenty.reports.handover import HANDOVER_FOLDER, write_handover
from bt2twenty.settings import Settings, load_settings
from bt2twenty.sources.bluetrait.api_client import BluetraitApiClient
from bt2twenty.sources.bluetrait.discovery import discover

from ..conftest import FIXTURES
from .conftest import reference_export

DOCUMENTS = (
    "migration-summary",
    "passwords-inventory",
    "agent-inventory",
    "article-tickets",
    "recurring-billing",
    "users-to-invite",
    "quarantine",
    "review",
)


def _expected_records() -> dict[str, int]:
    expected = json.loads((FIXTURES / "bluetrait-export.expected.json").read_text())
    return dict(expected["records"])


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _index(settings: Settings) -> dict[str, int]:
    index = json.loads((settings.project_dir / HANDOVER_FOLDER / "index.json").read_text())
    return {entry["path"]: entry["rows"] for entry in index["documents"]}


def test_row_counts_match_reference(discovered_project: Settings) -> None:
    write_handover(discovered_project)
    rows = _index(discovered_project)
    records = _expected_records()

    assert rows["passwords-inventory.csv"] == records["passwords_current"] == 50
    assert rows["agent-inventory.csv"] == records["agents"] == 120
    assert rows["agent-software.csv"] == records["agent_software"]
    assert rows["agent-alerts.csv"] == records["agent_alerts"]
    assert rows["article-tickets.csv"] == records["articles"] == 30
    assert rows["article-ticket-links.csv"] == records["article_tickets"] == 64
    assert rows["users-to-invite.csv"] == records["users"] == 9
    assert rows["quarantine.csv"] == 0


def test_every_document_in_three_formats(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    rows = _index(discovered_project)
    for name in DOCUMENTS:
        for suffix in ("md", "html", "csv"):
            path = result.folder / f"{name}.{suffix}"
            assert path.is_file(), path.name
            assert rows[path.name] == rows[f"{name}.csv"], path.name
    for path, count in rows.items():
        if path.endswith(".csv"):
            assert len(_csv_rows(result.folder / path)) == count, path


def test_passwords_list_current_entries(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    source = _csv_rows(reference_export() / "passwords.csv")
    current = {row["id"] for row in source if row["old"] == "0"}
    history = {row["id"] for row in source if row["old"] == "1"}

    listed = _csv_rows(result.folder / "passwords-inventory.csv")
    assert {row["Entry id"] for row in listed} == current
    assert not history & {row["Entry id"] for row in listed}
    first = next(row for row in listed if row["Entry id"] == "701")
    assert first["Entry name"] == "Harbour – Wi-Fi"
    assert first["System / URL"] == "https://portal.office.com"
    assert first["Folder"] == "Clients/Harbour"
    assert first["Company"] == "Harbour Accounting Partners"
    assert first["Owner"] == "William Papadopoulos <william.papadopoulos@brightmsp.com.au>"
    assert int(first["Older versions (not listed)"]) >= 1
    assert "Login name" not in listed[0]


def test_agents_count_open_alerts(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    alerts = _csv_rows(reference_export() / "agent_alerts.csv")
    open_per_agent: dict[str, int] = {}
    for alert in alerts:
        if not alert["date_resolved"]:
            open_per_agent[alert["agent_id"]] = open_per_agent.get(alert["agent_id"], 0) + 1

    devices = _csv_rows(result.folder / "agent-inventory.csv")
    listed = {row["Agent id"]: int(row["Open alerts"]) for row in devices}
    assert sum(listed.values()) == sum(open_per_agent.values())
    for agent_id, count in open_per_agent.items():
        assert listed[agent_id] == count, agent_id
    first = next(row for row in devices if row["Agent id"] == "3001")
    assert first["Serial number"] == "5CD5220H97"
    assert first["Warranty expires"] == "2025-08-01"
    assert first["Watchdog status"] == "ok"
    software = _csv_rows(result.folder / "agent-software.csv")
    assert {row["Device"] for row in software if row["Agent id"] == "3001"} == {"OUTBAC-PC001"}


def test_articles_name_ticket_companies(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    articles = {row["Article id"]: row for row in _csv_rows(result.folder / "article-tickets.csv")}
    assert articles["601"]["Ticket ids"] == "10176, 10153, 10015"
    assert articles["601"]["Tickets"] == "3"
    assert "Harbour Dental Pty Ltd" in articles["601"]["Companies"]
    assert sum(int(row["Tickets"]) for row in articles.values()) == 64

    links = _csv_rows(result.folder / "article-ticket-links.csv")
    link = next(row for row in links if row["Ticket id"] == "10176")
    assert link["Article id"] == "601"
    assert link["Ticket subject"]
    assert link["Company"]


def test_billing_lists_recurring_rules(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    invoices = _csv_rows(reference_export() / "invoices.csv")
    products = _csv_rows(reference_export() / "products.csv")
    recurring_invoices = {row["id"] for row in invoices if row["recurring"] == "1"}
    recurring_products = {row["id"] for row in products if row["recurring"] == "1"}

    listed = _csv_rows(result.folder / "recurring-billing.csv")
    assert {r["Bluetrait id"] for r in listed if r["Kind"] == "invoice"} == recurring_invoices
    assert {r["Bluetrait id"] for r in listed if r["Kind"] == "product"} == recurring_products
    invoice = next(row for row in listed if row["Bluetrait id"] == "8010")
    assert invoice["Cadence"] == "quarterly"
    assert invoice["Next date"] == "2024-02-08"
    assert invoice["Total"] == "11.88"
    assert invoice["Currency"] == "AUD"
    assert invoice["Items"] == "MSP-MON × 1 @ 12.00"
    product = next(row for row in listed if row["Bluetrait id"] == "206")
    assert product["Cadence"] == "yearly"
    assert product["Amount ex tax"] == "39.95"


def test_billing_without_recurrence_columns(
    small_project: Callable[[dict[str, str]], Settings],
) -> None:
    settings = small_project(
        {
            "invoices.csv": "id,type,number,company_name,total\n1,invoice,INV-1,Acme,110.00\n",
            "products.csv": "id,sku,name,unit_price\n1,SUP,Support,165.00\n",
        }
    )
    result = write_handover(settings)
    billing = next(doc for doc in result.documents if doc.name == "recurring-billing")
    assert billing.rows == 0
    text = (result.folder / "recurring-billing.md").read_text()
    assert "The invoices file has no column that marks recurrence" in text
    assert "The products file has no column that marks a billing cadence" in text


def test_users_state_and_role(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    users = {row["User id"]: row for row in _csv_rows(result.folder / "users-to-invite.csv")}
    assert users["1"]["Role"] == "Administrator"
    assert users["1"]["State"] == "active"
    assert users["7"]["State"] == "inactive"
    assert users["5"]["Email"] == "zoë.ryan@brightmsp.com.au"
    assert {row["Twenty member"] for row in users.values()} == {"not checked"}


def test_without_journal_says_not_run(discovered_project: Settings) -> None:
    result = write_handover(discovered_project)
    assert not result.journal_found
    assert not result.members.checked
    summary = (result.folder / "migration-summary.md").read_text()
    assert "Load: not run yet" in summary
    assert "Quarantine: not run yet" in summary
    assert "Workspace members: not run yet" in summary
    quarantine = (result.folder / "quarantine.md").read_text()
    assert "not run yet" in quarantine
    assert "Password secrets" in quarantine
    index = json.loads(result.index_path.read_text())
    assert index["journal"] == "not run yet"
    assert index["workspace_members"] == "not run yet"
    assert not (discovered_project.project_dir / "journal.sqlite").exists()


def test_source_option_overrides_profile(discovered_project: Settings, tmp_path: Path) -> None:
    profile_path = discovered_project.project_dir / "source-profile.json"
    profile = json.loads(profile_path.read_text())
    profile["source"]["path"] = str(tmp_path / "moved-away")
    profile_path.write_text(json.dumps(profile))

    result = write_handover(discovered_project, source=reference_export())
    assert result.documents[1].rows == 50


def test_missing_export_is_an_error(discovered_project: Settings, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Source export not found") as raised:
        write_handover(discovered_project, source=tmp_path / "nowhere")
    assert "--source" in raised.value.hint


def test_cli_without_profile_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "Source profile not found" in result.stderr
    assert "bt2twenty discover" in result.stderr


def test_hybrid_source_reads_api_again(
    sample_export_dir: Path,
    bluetrait_api: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = bluetrait_api()
    client = BluetraitApiClient(api.url, api.api_key)
    profile = discover(sample_export_dir, tmp_path, api=client, api_url=api.url)
    client.close()
    agents = next(entry for entry in profile.document["objects"] if entry["name"] == "agents")
    assert agents["source"] == "api"

    monkeypatch.setenv("BLUETRAIT_API_KEY", api.api_key)
    calls_before = len(api.calls)
    result = write_handover(load_settings(tmp_path))

    inventory = next(doc for doc in result.documents if doc.name == "agent-inventory")
    assert inventory.rows == agents["rows_yielded"] > 0
    assert any(call.action == "msp_get_agents" for call in api.calls[calls_before:])

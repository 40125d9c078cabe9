"""The agent inventory: one row per monitored device, with its software and alerts as CSV files.

Agent monitoring does not move into Twenty. The devices become notes on their companies, and
this inventory gives the customer's admin the full detail to set up monitoring elsewhere.
"""

from __future__ import annotations

import logging
from collections import Counter

from bt2twenty.reports.source import ExportTables, is_true
from bt2twenty.reports.writer import Column, Document, ExtraTable, Section, Table

logger = logging.getLogger(__name__)

NAME = "agent-inventory"
SOFTWARE_NAME = "agent-software"
ALERTS_NAME = "agent-alerts"

COLUMNS = (
    Column("id", "Agent id"),
    Column("name", "Device"),
    Column("company", "Company"),
    Column("manufacturer", "Manufacturer"),
    Column("model", "Model"),
    Column("serial", "Serial number"),
    Column("purchased", "Purchased"),
    Column("warranty", "Warranty expires"),
    Column("os", "Operating system"),
    Column("agent_version", "Agent version"),
    Column("last_seen", "Last seen"),
    Column("online", "Online"),
    Column("watchdog", "Watchdog status"),
    Column("open_alerts", "Open alerts"),
)
SOFTWARE_COLUMNS = (
    Column("agent_id", "Agent id"),
    Column("device", "Device"),
    Column("company", "Company"),
    Column("name", "Software"),
    Column("publisher", "Publisher"),
    Column("version", "Version"),
    Column("installed", "Installed"),
)
ALERT_COLUMNS = (
    Column("id", "Alert id"),
    Column("agent_id", "Agent id"),
    Column("device", "Device"),
    Column("company", "Company"),
    Column("type", "Type"),
    Column("severity", "Severity"),
    Column("message", "Message"),
    Column("raised", "Raised"),
    Column("resolved", "Resolved"),
    Column("state", "State"),
    Column("ticket_id", "Ticket id"),
)


def build_agents(tables: ExportTables) -> Document:
    """Build the device inventory and its software and alert tables."""
    agents = tables.rows("agents")
    devices = {row.get("id", "").strip(): row for row in agents}
    alerts = _alerts(tables, devices)
    software = _software(tables, devices)
    open_by_agent = Counter(row["agent_id"] for row in alerts.rows if row["state"] == "open")

    table = Table(COLUMNS)
    for row in agents:
        agent_id = row.get("id", "").strip()
        table.rows.append(
            {
                "id": agent_id,
                "name": row.get("name", "").strip(),
                "company": tables.company(row),
                "manufacturer": row.get("hw_manufacturer", "").strip(),
                "model": row.get("hw_model", "").strip(),
                "serial": row.get("hw_serial_number", "").strip(),
                "purchased": row.get("purchase_date", "").strip(),
                "warranty": row.get("warranty_expires", "").strip(),
                "os": _os_text(row),
                "agent_version": row.get("agent_version", "").strip(),
                "last_seen": row.get("last_seen", "").strip(),
                "online": _flag_text(row.get("online")),
                "watchdog": row.get("watchdog_status", "").strip(),
                "open_alerts": str(open_by_agent.get(agent_id, 0)),
            }
        )

    intro = _intro(tables, table, software, alerts)
    watchdog = Counter(row["watchdog"] or "(blank)" for row in table.rows)
    sections = [
        Section(
            "Watchdog status",
            [", ".join(f"{status}: {count}" for status, count in watchdog.most_common())]
            if watchdog
            else ["No devices."],
        )
    ]
    extras = [
        ExtraTable(SOFTWARE_NAME, "Installed software per device", software),
        ExtraTable(ALERTS_NAME, "Agent alerts", alerts),
    ]
    logger.info(
        "Agent inventory: %d devices, %d software rows, %d alerts",
        len(table.rows),
        len(software.rows),
        len(alerts.rows),
    )
    return Document(NAME, "Agent inventory", intro, table, "Devices", sections, extras)


def _intro(tables: ExportTables, devices: Table, software: Table, alerts: Table) -> list[str]:
    if not tables.has("agents"):
        return [
            "The export holds no agents file, so there is no device inventory. If the customer "
            "uses Bluetrait's RMM agents, export them and run `bt2twenty report` again."
        ]
    companies = {row["company"] for row in devices.rows if row["company"]}
    open_alerts = sum(1 for row in alerts.rows if row["state"] == "open")
    return [
        f"{len(devices.rows)} devices at {len(companies)} companies, with {len(software.rows)} "
        f"installed-software rows and {len(alerts.rows)} alerts ({open_alerts} open).",
        "Monitoring, alerting and agent tasks do not move into Twenty: each company gets a note "
        "that lists its devices. Set monitoring up again in the customer's RMM tool from this "
        f"inventory, {SOFTWARE_NAME}.csv and {ALERTS_NAME}.csv. Times are as exported, in the "
        "Bluetrait tenant's local time.",
    ]


def _software(tables: ExportTables, devices: dict[str, dict[str, str]]) -> Table:
    table = Table(SOFTWARE_COLUMNS)
    for row in tables.stream("agent_software"):
        agent_id = row.get("agent_id", "").strip()
        device = devices.get(agent_id, {})
        table.rows.append(
            {
                "agent_id": agent_id,
                "device": device.get("name", "").strip() or _missing_device(agent_id),
                "company": tables.company(device) if device else "",
                "name": row.get("name", "").strip(),
                "publisher": row.get("publisher", "").strip(),
                "version": row.get("version", "").strip(),
                "installed": row.get("install_date", "").strip(),
            }
        )
    return table


def _alerts(tables: ExportTables, devices: dict[str, dict[str, str]]) -> Table:
    table = Table(ALERT_COLUMNS)
    for row in tables.stream("agent_alerts"):
        agent_id = row.get("agent_id", "").strip()
        device = devices.get(agent_id, {})
        resolved = row.get("date_resolved", "").strip()
        entry = {
            "id": row.get("id", "").strip(),
            "agent_id": agent_id,
            "device": device.get("name", "").strip() or _missing_device(agent_id),
            "company": tables.company(device) if device else "",
            "type": row.get("type", "").strip(),
            "severity": row.get("severity", "").strip(),
            "message": row.get("message", "").strip(),
            "raised": row.get("date_added", "").strip(),
            "resolved": resolved,
            "state": "resolved" if resolved and not resolved.startswith("0000") else "open",
            "ticket_id": row.get("ticket_id", "").strip(),
        }
        table.rows.append(entry)
    return table


def _missing_device(agent_id: str) -> str:
    return f"agent {agent_id} (not in the export)" if agent_id else ""


def _os_text(row: dict[str, str]) -> str:
    parts = (row.get(key, "").strip() for key in ("os_name", "os_version", "os_build"))
    return " ".join(part for part in parts if part)


def _flag_text(value: str | None) -> str:
    if value is None or not value.strip():
        return ""
    return "yes" if is_true(value) else "no"

"""RMM agent rows of a sample export: devices, their installed software and open alerts."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from bt2twenty.sources.bluetrait.sample import australia
from bt2twenty.sources.bluetrait.sample.companies import company_reference
from bt2twenty.sources.bluetrait.sample.plan import (
    SamplePlan,
    format_date,
    format_datetime,
    random_moment,
)

logger = logging.getLogger(__name__)

LAST_SEEN_START = datetime(2024, 8, 1, 8, 0)
MANUFACTURERS = ("Lenovo", "Dell", "HP")
MODELS = ("ThinkPad E14", "EliteBook 840 G8", "OptiPlex 7010", "PowerEdge T150", "Latitude 5440")
OPERATING_SYSTEMS = ("Windows 11 Pro", "Windows 10 Pro", "Windows Server 2022", "macOS 14")
WATCHDOG_STATUSES = ("ok", "ok", "ok", "warning", "failed", "not_installed")
DEVICE_KINDS = ("PC", "LT", "SRV")
SOFTWARE = (
    ("Adobe Acrobat Reader", "Adobe"),
    ("Bluetrait Agent", "Dalegroup Pty Ltd"),
    ("Google Chrome", "Google LLC"),
    ("7-Zip", "Igor Pavlov"),
    ("MYOB AccountRight", "MYOB"),
    ("Microsoft 365 Apps", "Microsoft Corporation"),
    ("Webroot SecureAnywhere", "OpenText"),
    ("Veeam Agent", "Veeam"),
    ("Xero Practice Manager", "Xero"),
    ("Zoom Workplace", "Zoom"),
)
ALERT_TYPES = ("disk_space", "offline", "service_stopped", "av_definitions")


@functools.lru_cache(maxsize=4096)
def agent_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return agent number `index` (0-based) as its agents.csv row."""
    rng = plan.rng("agent", index)
    company = company_reference(plan, rng.randrange(plan.counts["companies"]))
    prefix = company["name"].split()[0].upper()[:6]
    purchased = random_moment(rng)
    warranty = "" if rng.random() < 0.1 else format_date(purchased + timedelta(days=365 * 3))
    first_name = rng.choice(australia.FIRST_NAMES).lower()
    return {
        "id": str(3001 + index),
        "name": f"{prefix}-{rng.choice(DEVICE_KINDS)}{index + 1:03d}",
        "company_id": company["id"],
        "company_name": company["name"],
        "hw_serial_number": f"5CD{rng.randrange(1000, 10000)}{rng.choice('ABCDEFGH')}"
        f"{rng.randrange(10, 100)}",
        "hw_manufacturer": rng.choice(MANUFACTURERS),
        "hw_model": rng.choice(MODELS),
        "purchase_date": format_date(purchased),
        "warranty_expires": warranty,
        "os_name": rng.choice(OPERATING_SYSTEMS),
        "agent_version": rng.choice(("3.4.1", "3.5.0")),
        "last_seen": format_datetime(
            LAST_SEEN_START + timedelta(minutes=rng.randrange(60 * 24 * 50))
        ),
        "online": "0" if rng.random() < 0.2 else "1",
        "watchdog_status": rng.choice(WATCHDOG_STATUSES),
        "ip_internal": f"192.168.{rng.randrange(21)}.{rng.randrange(2, 255)}",
        # A Windows account name: DOMAIN\user, with the backslash PHP's CSV escape trips on.
        "logged_in_user": f"{company['name'].split()[0].upper()}\\{first_name}",
    }


def software_rows(plan: SamplePlan, index: int) -> Iterator[dict[str, str]]:
    """Yield the installed software of agent `index`, about four packages each."""
    rng = plan.rng("agent_software", index)
    agent_id = str(3001 + index)
    for name, publisher in rng.sample(SOFTWARE, rng.randrange(2, 7)):
        yield {
            "agent_id": agent_id,
            "name": name,
            "publisher": publisher,
            "version": f"{rng.randrange(1, 25)}.{rng.randrange(10)}.{rng.randrange(1000)}",
            "install_date": format_date(random_moment(rng)),
        }


def alert_row(plan: SamplePlan, index: int, alert_id: int) -> dict[str, str] | None:
    """Return the open alert of agent `index`, or None for the seven in ten without one."""
    rng = plan.rng("agent_alert", index)
    if rng.random() >= 0.3:
        return None
    raised = LAST_SEEN_START - timedelta(days=60) + timedelta(minutes=rng.randrange(60 * 24 * 110))
    return {
        "id": str(alert_id),
        "agent_id": str(3001 + index),
        "type": rng.choice(ALERT_TYPES),
        "severity": rng.choice(("warning", "critical")),
        "message": "Threshold exceeded",
        "date_added": format_datetime(raised.replace(second=0)),
        "date_resolved": "",
        "ticket_id": "",
    }

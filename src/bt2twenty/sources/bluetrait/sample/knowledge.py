"""Knowledge-base articles, their ticket links and password entries of a sample export."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta

from bt2twenty.sources.bluetrait.sample.companies import company_reference
from bt2twenty.sources.bluetrait.sample.plan import SamplePlan, format_datetime, random_moment

logger = logging.getLogger(__name__)

ARTICLE_TITLES = (
    "Printer setup guide",
    "VPN troubleshooting",
    "Password policy",
    "Onboarding checklist",
    "How to reset your MFA",
    "Backup restore procedure",
)
ARTICLE_CATEGORIES = ("Printing", "Security", "HR", "Networking")
ARTICLE_BODY = (
    "<h2>Steps</h2><ol><li>Open settings</li><li>Click <b>Reset</b></li></ol>"
    "<p>Call us on 1300 000 000.</p>"
)
PASSWORD_SYSTEMS = ("Wi-Fi", "Office 365 admin", "NAS", "Domain registrar", "Firewall", "Xero")
PASSWORD_URLS = ("https://portal.office.com", "https://192.168.1.1", "")
PASSWORD_NOTES = ("Rotated quarterly", "MFA on owner's phone", "")


def article_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return article number `index` (0-based) as its articles.csv row."""
    rng = plan.rng("article", index)
    added = random_moment(rng)
    return {
        "id": str(601 + index),
        "subject": f"{rng.choice(ARTICLE_TITLES)} (v{index + 1})",
        "description": ARTICLE_BODY,
        "category_name": rng.choice(ARTICLE_CATEGORIES),
        "public": rng.choice("01"),
        "published": "1",
        "user_id": str(rng.randrange(plan.counts["users"]) + 1),
        "views": str(rng.randrange(20, 500)),
        "date_added": format_datetime(added),
        "last_modified": format_datetime(added + timedelta(days=rng.randrange(30, 700))),
    }


def article_ticket_rows(plan: SamplePlan, index: int) -> Iterator[dict[str, str]]:
    """Yield the tickets article `index` was used on, about two each."""
    rng = plan.rng("article_tickets", index)
    tickets = plan.counts["tickets"]
    for ticket_index in rng.sample(range(tickets), min(tickets, rng.randrange(0, 5))):
        yield {"article_id": str(601 + index), "ticket_id": str(plan.ticket_id(ticket_index))}


def password_rows(plan: SamplePlan, index: int) -> Iterator[dict[str, str]]:
    """Yield password entry `index` (0-based) and, for about a third, its superseded version.

    The secrets are plaintext, as Bluetrait's password export writes them: the current one is
    ``S3cr3t!`` and a digest fragment, the old one ``OldPass<n>``.
    """
    rng = plan.rng("password", index)
    company = company_reference(plan, rng.randrange(plan.counts["companies"]))
    short_name = company["name"].split()[0]
    number = index + 1
    added = random_moment(rng)
    current = {
        "id": str(700 + number),
        "name": f"{short_name} – {rng.choice(PASSWORD_SYSTEMS)}",
        "username": rng.choice(("admin", "administrator", f"it@{short_name.lower()}.com.au")),
        "password": "S3cr3t!" + hashlib.sha1(str(number).encode()).hexdigest()[:10],
        "url": rng.choice(PASSWORD_URLS),
        "description": rng.choice(PASSWORD_NOTES),
        "category": rng.choice(("Network", "Internal", f"Clients/{short_name}")),
        "company_id": company["id"],
        "company_name": company["name"],
        "user_id": str(rng.randrange(plan.counts["users"]) + 1),
        "date_added": format_datetime(added),
        "last_modified": format_datetime(added + timedelta(days=rng.randrange(30, 900))),
        "old": "0",
        "parent_id": "",
    }
    yield current
    if index == 0 or rng.random() < 0.34:
        yield current | {
            "id": str(plan.password_history_id_base + number),
            "password": f"OldPass{number}",
            "old": "1",
            "parent_id": current["id"],
        }

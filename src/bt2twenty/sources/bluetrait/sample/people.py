"""Staff users and client rows of a sample export, with the name and email problems of real ones.

Bluetrait keeps staff and clients in one users table: staff take the low ids and clients start
at the next round thousand above them.
"""

from __future__ import annotations

import functools
import logging
import random
from datetime import timedelta

from bt2twenty.sources.bluetrait.sample import australia
from bt2twenty.sources.bluetrait.sample.companies import company_name, company_row
from bt2twenty.sources.bluetrait.sample.plan import (
    HISTORY_DAYS,
    HISTORY_START,
    SamplePlan,
    format_datetime,
    random_moment,
)

logger = logging.getLogger(__name__)

MSP_DOMAIN = "brightmsp.com.au"
STAFF_GROUPS = ("Staff", "Staff", "Staff", "Moderator")
HOURLY_RATES = ("120.00", "145.00", "165.00", "185.00")
CONTACT_METHODS = ("Email", "Phone", "SMS", "")

# Positions of planted data problems among the clients.
SHARED_EMAIL_INDEXES = (10, 11)
FIRST_NAME_ONLY_INDEX = 19


@functools.lru_cache(maxsize=1024)
def staff_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return staff user number `index` (0-based) as its users.csv row; id 1 is the admin."""
    rng = plan.rng("user", index)
    first, last = rng.choice(australia.FIRST_NAMES), rng.choice(australia.LAST_NAMES)
    username = _local_part(f"{first}.{last}")
    # Staff joined in the tenant's first months and logged in during its last weeks.
    added = HISTORY_START + timedelta(days=rng.randrange(150), minutes=rng.randrange(600))
    last_login = HISTORY_START + timedelta(
        days=HISTORY_DAYS - rng.randrange(200), minutes=rng.randrange(600)
    )
    return {
        "id": str(index + 1),
        "name": f"{first} {last}",
        "username": username,
        "email": f"{username}@{MSP_DOMAIN}",
        "group_name": "Administrator" if index == 0 else rng.choice(STAFF_GROUPS),
        "allow_login": "0" if rng.random() < 0.1 else "1",
        "two_factor_enabled": "0" if rng.random() < 0.3 else "1",
        "timesheets_hourly_rate": rng.choice(HOURLY_RATES),
        "date_added": format_datetime(added),
        "last_login": format_datetime(last_login),
    }


@functools.lru_cache(maxsize=8192)
def client_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return client number `index` (0-based) as its clients.csv row."""
    if index == plan.counts["clients"] - 1:
        return _orphan_client(plan, index)
    rng = plan.rng("client", index)
    company = company_row(plan, plan.company_of_client(index))
    domain = _email_domain(company)

    first, name, local = _draw_name(rng, index)

    email = f"{local}@{domain}"
    username = email
    if index in SHARED_EMAIL_INDEXES:
        email = f"shared.inbox@{_email_domain(company_row(plan, plan.company_of_client(10)))}"
    elif index == FIRST_NAME_ONLY_INDEX or rng.random() < 0.05:
        email = f"{email}; {_local_part(first)}@gmail.com"
    elif rng.random() < 0.03:
        email = ""
        username = f"client{plan.client_id(index)}"

    return {
        "id": str(plan.client_id(index)),
        "name": name,
        "email": email,
        "username": username,
        "phone_number": australia.landline(rng, company["state"]) if rng.random() < 0.8 else "",
        "mobile": australia.mobile(rng) if rng.random() < 0.6 else "",
        "position": rng.choice(australia.POSITIONS),
        "company_id": company["id"],
        "company_name": company["name"],
        "allow_login": "0" if rng.random() < 0.2 else "1",
        "email_notifications": "1",
        "date_added": format_datetime(random_moment(rng)),
        "cf_3": rng.choice(CONTACT_METHODS),
    }


@functools.lru_cache(maxsize=16384)
def client_reference(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return the columns tickets and invoices copy from client `index`: id, name, company_id
    and company_name, without building the rest of its row.
    """
    if index == plan.counts["clients"] - 1:
        row = _orphan_client(plan, index)
    else:
        _, name, _ = _draw_name(plan.rng("client", index), index)
        company_index = plan.company_of_client(index)
        row = {
            "id": str(plan.client_id(index)),
            "name": name,
            "company_id": str(plan.company_id(company_index)),
            "company_name": company_name(plan, company_index),
        }
    return {column: row[column] for column in ("id", "name", "company_id", "company_name")}


def _draw_name(rng: random.Random, index: int) -> tuple[str, str, str]:
    # The first draws of a client's random stream: first name, display name and email local
    # part. Clients without a last name are a first name alone or a role such as Reception.
    first, last = rng.choice(australia.FIRST_NAMES), rng.choice(australia.LAST_NAMES)
    roll = rng.random()
    if index == FIRST_NAME_ONLY_INDEX or roll < 0.03:
        return first, first, _local_part(first)
    if roll < 0.07:
        return first, rng.choice(australia.ROLE_NAMES), "admin"
    if roll < 0.10:
        return first, f"{last}, {first}", _local_part(f"{first}.{last}")
    return first, f"{first} {last}", _local_part(f"{first}.{last}")


def _orphan_client(plan: SamplePlan, index: int) -> dict[str, str]:
    # A client whose company was deleted: the id points at no row of companies.csv.
    rng = plan.rng("client", index)
    first, last = rng.choice(australia.FIRST_NAMES), rng.choice(australia.LAST_NAMES)
    email = f"{_local_part(first + '.' + last)}@gone.com.au"
    return {
        "id": str(plan.client_id(index)),
        "name": f"{first} {last}",
        "email": email,
        "username": email,
        "phone_number": australia.landline(rng, "NSW"),
        "mobile": "",
        "position": rng.choice(australia.POSITIONS),
        "company_id": str(plan.orphan_company_id),
        "company_name": "Deleted Co",
        "allow_login": "0",
        "email_notifications": "1",
        "date_added": format_datetime(random_moment(rng)),
        "cf_3": rng.choice(CONTACT_METHODS),
    }


def random_client_index(plan: SamplePlan, rng: random.Random) -> int:
    """Pick a client for a ticket or invoice, never the orphan (that one is planted elsewhere)."""
    return rng.randrange(plan.counts["clients"] - 1)


def _email_domain(company: dict[str, str]) -> str:
    website = company["website"]
    if not website:
        return "gmail.com"
    return website.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")


def _local_part(name: str) -> str:
    return name.lower().replace(" ", "").replace("'", "")

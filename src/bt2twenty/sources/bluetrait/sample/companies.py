"""Company rows of a sample export, with duplicate names, a shared domain and mojibake."""

from __future__ import annotations

import functools
import logging
import random
from datetime import timedelta

from bt2twenty.sources.bluetrait.sample import australia
from bt2twenty.sources.bluetrait.sample.plan import (
    SamplePlan,
    format_datetime,
    random_moment,
)

logger = logging.getLogger(__name__)

SHARED_DOMAIN = "sharedgroup.com.au"
# Positions of planted data problems among the companies (the last two are counted from the end).
SHARED_DOMAIN_INDEXES = (8, 9)
MOJIBAKE_INDEX = 12
NT_INDEX = 3
DUPLICATE_OF_INDEX = 2
UPPER_CASE_OF_INDEX = 5
INVALID_ABN = "11 222 333 444"

NOTES = (
    "<p>Gate code <b>1234</b>. Park in visitor bays.</p>",
    "<p>After-hours contact: see <a href='https://example.invalid/x'>portal</a></p>",
    "Key client &amp; long-term contract",
    "",
)
CONTRACT_TYPES = ("Managed Services", "Break/Fix", "Block Hours", "")
ACCOUNT_MANAGERS = ("Tom Tech", "Priya Singh", "")


@functools.lru_cache(maxsize=4096)
def company_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return company number `index` (0-based) as its companies.csv row."""
    count = plan.counts["companies"]
    if index == count - 2:
        return _duplicate_name(plan, index)
    if index == count - 1:
        return _upper_case_variant(plan, index)
    return _ordinary_company(plan, index)


# Names are cached far deeper than rows: a name is short, and tickets, agents and invoices
# need only the name of the company they point at.
@functools.lru_cache(maxsize=65536)
def company_name(plan: SamplePlan, index: int) -> str:
    """Return the name of company `index` without building the rest of its row."""
    count = plan.counts["companies"]
    if index == count - 2:
        return company_name(plan, DUPLICATE_OF_INDEX)
    if index == count - 1:
        return company_name(plan, UPPER_CASE_OF_INDEX).upper() + " "
    name, _ = _draw_name(plan.rng("company", index), index)
    return name


def company_reference(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return the id and name of company `index`, the columns other rows copy from it."""
    return {"id": str(plan.company_id(index)), "name": company_name(plan, index)}


def _draw_name(rng: random.Random, index: int) -> tuple[str, str]:
    # The first draws of a company's random stream, so company_name and company_row agree.
    place = rng.choice(australia.PLACE_WORDS)
    industry = rng.choice(australia.INDUSTRIES)
    suffix = rng.choice(australia.COMPANY_SUFFIXES)
    name = " ".join(part for part in (place, industry, suffix) if part)
    domain = australia.domain_for(name)
    if index == MOJIBAKE_INDEX:
        name = australia.mangle_encoding(rng.choice(australia.ACCENTED_COMPANY_NAMES) + " Pty Ltd")
    return name, domain


def _ordinary_company(plan: SamplePlan, index: int) -> dict[str, str]:
    rng = plan.rng("company", index)

    name, domain = _draw_name(rng, index)

    locality = australia.LOCALITIES[19] if index == NT_INDEX else rng.choice(australia.LOCALITIES)
    address = f"{rng.randrange(1, 400)} {rng.choice(australia.STREETS)}"
    if rng.random() < 0.12:
        address += f"\nLevel {rng.randrange(2, 30)}"

    added = random_moment(rng)
    modified = added + timedelta(days=rng.randrange(30, 900), minutes=rng.randrange(600))
    return {
        "id": str(plan.company_id(index)),
        "name": name,
        "abn": australia.make_abn(rng),
        "phone": australia.landline(rng, locality.state),
        "website": SHARED_DOMAIN if index in SHARED_DOMAIN_INDEXES else _website(rng, domain),
        "address": address,
        "suburb": locality.suburb,
        "state": locality.state,
        "postcode": locality.postcode,
        "country": "Australia",
        "notes": rng.choice(NOTES),
        "active": "0" if rng.random() < 0.08 else "1",
        "date_added": format_datetime(added),
        "last_modified": format_datetime(modified),
        "cf_1": rng.choice(CONTRACT_TYPES),
        "cf_2": rng.choice(ACCOUNT_MANAGERS),
    }


def _website(rng: random.Random, domain: str) -> str:
    forms = ("", domain, "www." + domain, "https://" + domain, f"http://www.{domain}/", domain)
    return rng.choice(forms)


def _duplicate_name(plan: SamplePlan, index: int) -> dict[str, str]:
    # The same business entered twice: same name and address, a later date and a mistyped ABN.
    original = company_row(plan, DUPLICATE_OF_INDEX)
    rng = plan.rng("company", index)
    added = random_moment(rng)
    return original | {
        "id": str(plan.company_id(index)),
        "abn": INVALID_ABN,
        "date_added": format_datetime(added),
    }


def _upper_case_variant(plan: SamplePlan, index: int) -> dict[str, str]:
    # The same business typed in capitals with a trailing space, as imported from a spreadsheet.
    original = company_row(plan, UPPER_CASE_OF_INDEX)
    return original | {"id": str(plan.company_id(index)), "name": original["name"].upper() + " "}

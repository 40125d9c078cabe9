"""Project and timesheet rows of a sample export."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from bt2twenty.sources.bluetrait.sample.companies import company_reference
from bt2twenty.sources.bluetrait.sample.people import staff_row
from bt2twenty.sources.bluetrait.sample.plan import (
    SamplePlan,
    existing_local_time,
    format_date,
    format_datetime,
    random_moment,
)
from bt2twenty.sources.bluetrait.sample.tickets import ticket_links

logger = logging.getLogger(__name__)

PROJECT_KINDS = (
    "Server refresh",
    "Firewall upgrade",
    "Office 365 migration",
    "Intune rollout",
    "NBN cutover",
    "Backup redesign",
)
PROJECT_STATUSES = ("Open", "In Progress", "On Hold", "Completed")
PROJECT_CATEGORIES = ("Infrastructure", "Cloud", "Internal", "Security")
WORK_DESCRIPTIONS = ("Remote support", "Onsite visit", "Travel", "Research", "Documentation")
DURATIONS_MINUTES = (15, 30, 45, 60, 75, 90, 120, 180)


def project_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return project number `index` (0-based) as its projects.csv row."""
    rng = plan.rng("project", index)
    company = company_reference(plan, rng.randrange(plan.counts["companies"]))
    staff_count = plan.counts["users"]
    added = random_moment(rng)
    status = rng.choice(PROJECT_STATUSES)
    budget_hours = rng.choice((Decimal("12.5"), Decimal(40), Decimal(100)))
    completed = added + timedelta(days=rng.randrange(20, 300)) if status == "Completed" else None
    return {
        "id": str(index + 1),
        "name": f"{rng.choice(PROJECT_KINDS)} – {company['name'].split()[0]}",
        "company_id": company["id"],
        "description": "<p>Scope:<br />Phase 1 &ndash; audit<br />Phase 2 &ndash; rollout</p>",
        "status_name": status,
        "category_name": rng.choice(PROJECT_CATEGORIES),
        "project_manager_id": str(rng.randrange(staff_count) + 1),
        "project_lead_id": str(rng.randrange(staff_count) + 1),
        "internal": "1" if rng.random() < 0.1 else "0",
        "budget_hours": f"{budget_hours}",
        "budget_amount": f"{budget_hours * 165:.2f}" if rng.random() < 0.7 else "",
        "task_count": str(rng.randrange(0, 30)),
        "date_added": format_datetime(added),
        "date_due": format_date(added + timedelta(days=rng.randrange(60, 700))),
        "completed_date": format_datetime(completed) if completed else "",
    }


def timesheet_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return timesheet entry number `index` (0-based) as its timesheets.csv row."""
    rng = plan.rng("timesheet", index)
    technician = staff_row(plan, rng.randrange(plan.counts["users"]))
    ticket_index = rng.randrange(plan.counts["tickets"]) if rng.random() < 0.8 else None
    if ticket_index is not None:
        links = ticket_links(plan, ticket_index)
        company_id = links.company_id
        project_id = links.project_id
    else:
        company_id = company_reference(plan, rng.randrange(plan.counts["companies"]))["id"]
        project_id = str(rng.randrange(plan.counts["projects"]) + 1) if rng.random() < 0.3 else ""

    start = random_moment(rng, start_hour=7, end_hour=22)
    minutes = rng.choice(DURATIONS_MINUTES)
    end = existing_local_time(start + timedelta(minutes=minutes))
    billable = rng.random() < 0.7
    invoiced = billable and rng.random() < 0.6
    return {
        "id": str(55001 + index),
        "user_id": technician["id"],
        "user_name": technician["name"],
        "ticket_id": "" if ticket_index is None else str(plan.ticket_id(ticket_index)),
        "project_id": project_id,
        "company_id": company_id,
        "date": format_date(start),
        "start_time": format_datetime(start),
        "end_time": format_datetime(end),
        "hours": f"{Decimal(minutes) / 60:.2f}",
        "description": rng.choice(WORK_DESCRIPTIONS),
        "billable": "1" if billable else "0",
        "timesheet_type": "Billing" if billable else "Non-Billing",
        "hourly_rate": technician["timesheets_hourly_rate"],
        "invoiced": "1" if invoiced else "0",
        "invoice_id": str(8001 + rng.randrange(plan.counts["invoices"]))
        if invoiced and rng.random() < 0.5
        else "",
    }

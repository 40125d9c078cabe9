"""Ticket rows of a sample export, with their notes and attachments.

A ticket's notes and attachments come from the ticket's own random stream, so the writer emits
a ticket, its notes and its files together and keeps nothing once they are written.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bt2twenty.sources.bluetrait.sample import ticket_text
from bt2twenty.sources.bluetrait.sample.assets import agent_row
from bt2twenty.sources.bluetrait.sample.australia import mangle_encoding
from bt2twenty.sources.bluetrait.sample.people import (
    client_reference,
    random_client_index,
    staff_row,
)
from bt2twenty.sources.bluetrait.sample.plan import (
    SamplePlan,
    existing_local_time,
    format_date,
    format_datetime,
    random_moment,
)

logger = logging.getLogger(__name__)

STATUSES = (
    ("Open", "1"),
    ("In Progress", "1"),
    ("Waiting on Client", "1"),
    ("Scheduled", "1"),
    ("On Hold", "1"),
    ("Resolved", "0"),
    ("Closed", "0"),
    ("Closed", "0"),
)
PRIORITIES = ("Low", "Medium", "Medium", "High", "Critical")
DEPARTMENTS = ("Service Desk", "Service Desk", "Projects", "Accounts")
TAGS = ("network", "backup", "urgent", "security", "email", "onboarding", "printer")
AFFECTED_SERVICES = ("Email", "Printing", "Network", "Line of Business App", "")
CC_LIST = "accounts@example.com.au; ops@example.com.au"

# Positions of planted data problems among the tickets (0-based).
MERGED_INDEX = 20
ORPHAN_OWNER_INDEX = 30
MOJIBAKE_INDEX = 39
# Wall times that need care in Australia/Sydney. 02:30 on 2 April 2023 happened twice because
# the clocks went back at 03:00. 02:30 on 1 October 2023 never happened because they jumped from
# 02:00 to 03:00. The last two are plain times in daylight saving (UTC+11) and standard (UTC+10).
PLANTED_TIMES = {
    40: datetime(2023, 4, 2, 2, 30),
    41: datetime(2023, 10, 1, 2, 30),
    42: datetime(2024, 1, 15, 9, 0),
    43: datetime(2024, 7, 15, 9, 0),
}
BACKSLASH_QUOTE_INDEX = 50
EMOJI_INDEX = 51
EMPTY_ATTACHMENT_INDEX = 7
ATTACHMENT_SHARE = 0.03

NOTE_COUNTS = (0, 0, 1, 2, 2, 3, 3, 3, 4, 5)


@dataclass(frozen=True)
class Attachment:
    """One attachment: its ticket_attachments.csv row and the bytes of its file."""

    row: dict[str, str]
    content: bytes


ATTACHMENT_KINDS = (
    ("screenshot.png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("Quote – signed.pdf", "application/pdf", b"%PDF-1.4\n"),
    ("error log.txt", "text/plain", b""),
    ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0"),
    ("empty.txt", "text/plain", b""),
)


@dataclass(frozen=True)
class TicketLinks:
    """The rows a ticket points at, cheap to rebuild for timesheets that refer to the ticket."""

    client_index: int
    company_id: str
    project_id: str
    agent_index: int


def ticket_links(plan: SamplePlan, index: int) -> TicketLinks:
    """Return the client, company, project and device of ticket `index` without building it."""
    rng = plan.rng("ticket_links", index)
    client_index = random_client_index(plan, rng)
    has_project = rng.random() < 0.15
    project_number = rng.randrange(plan.counts["projects"]) + 1
    return TicketLinks(
        client_index=client_index,
        company_id=str(plan.company_id(plan.company_of_client(client_index))),
        project_id=str(project_number) if has_project else "",
        agent_index=rng.randrange(plan.counts["agents"]),
    )


@functools.lru_cache(maxsize=4096)
def ticket_row(plan: SamplePlan, index: int) -> dict[str, str]:
    """Return ticket number `index` (0-based) as its tickets.csv row."""
    rng = plan.rng("ticket", index)
    links = ticket_links(plan, index)
    client = client_reference(plan, links.client_index)
    owner_id, owner_name = client["id"], client["name"]
    if index == ORPHAN_OWNER_INDEX:
        owner_id, owner_name = str(plan.orphan_user_id), "Former Client"

    def device_name() -> str:
        return agent_row(plan, links.agent_index)["name"]

    subject, uses_device = _subject(rng, owner_name, device_name)
    if index == MOJIBAKE_INDEX:
        subject = mangle_encoding(f"Printer offline at Café {rng.randrange(1, 40)}")
    if index == EMOJI_INDEX:
        subject += " 🔥"
    html = rng.random() < 0.78
    description = (
        ticket_text.html_body(rng, subject, owner_name, client["company_name"], device_name)
        if html
        else ticket_text.plain_body(subject)
    )
    if index == BACKSLASH_QUOTE_INDEX:
        html = True
        subject = f"Backup job failed on {device_name()}"
        description = '<p>Saving to "C:\\Users\\Public\\" fails with "Access denied"</p>'

    status, active = rng.choice(STATUSES)
    staff_count = plan.counts["users"]
    assigned = staff_row(plan, rng.randrange(staff_count)) if rng.random() < 0.92 else None
    submitter = client["id"] if rng.random() < 0.6 else str(rng.randrange(staff_count) + 1)
    added = PLANTED_TIMES.get(index) or random_moment(rng, start_hour=7, end_hour=19)
    modified = existing_local_time(added + timedelta(hours=rng.randrange(1, 120)))
    return {
        "id": str(plan.ticket_id(index)),
        "key": "".join(rng.choices(string.ascii_uppercase + string.digits, k=8)),
        "subject": subject,
        "description": description,
        "html": "1" if html else "0",
        "status_name": status,
        "status_active": active,
        "priority_name": rng.choice(PRIORITIES),
        "department_name": rng.choice(DEPARTMENTS),
        "user_id": owner_id,
        "owner_name": owner_name,
        "submitted_user_id": submitter,
        "assigned_user_id": assigned["id"] if assigned else "",
        "assigned_name": assigned["name"] if assigned else "",
        "company_id": client["company_id"],
        "company_name": client["company_name"],
        "project_id": links.project_id,
        "agent_id": str(3001 + links.agent_index) if uses_device else "",
        "cc": CC_LIST if rng.random() < 0.1 else "",
        "tags": ";".join(rng.sample(TAGS, rng.choice((0, 0, 1, 2, 3)))),
        "date_added": format_datetime(added),
        "last_modified": format_datetime(modified),
        "date_due": format_date(added + timedelta(days=rng.randrange(1, 14)))
        if rng.random() < 0.6
        else "",
        "archived": "1" if rng.random() < 0.075 else "0",
        "merge_ticket_id": str(plan.ticket_id(index - 1)) if index == MERGED_INDEX else "",
        "cf_4": rng.choice(AFFECTED_SERVICES),
        "cf_5": rng.choice("01"),
    }


def _subject(
    rng: random.Random, owner_name: str, device_name: Callable[[], str]
) -> tuple[str, bool]:
    if rng.random() < 0.12:
        return rng.choice(ticket_text.DEVICE_SUBJECTS).format(device=device_name()), True
    template = rng.choice(ticket_text.SUBJECTS)
    first_name = owner_name.split()[0].rstrip(",")
    subject = template.format(
        number=rng.randrange(2, 40), first_name=first_name, full_name=owner_name
    )
    return subject, False


def note_rows(plan: SamplePlan, index: int, first_note_id: int) -> list[dict[str, str]]:
    """Return the replies and internal notes of ticket `index`, numbered from `first_note_id`."""
    ticket = ticket_row(plan, index)
    rng = plan.rng("ticket_notes", index)
    moment = datetime.strptime(ticket["date_added"], "%Y-%m-%d %H:%M:%S")
    notes = []
    for offset in range(rng.choice(NOTE_COUNTS)):
        moment = existing_local_time(moment + timedelta(hours=rng.randrange(1, 7)))
        author = staff_row(plan, rng.randrange(plan.counts["users"]))
        body = rng.choice(ticket_text.NOTE_BODIES).format(owner=ticket["owner_name"])
        notes.append(
            {
                "id": str(first_note_id + offset),
                "ticket_id": ticket["id"],
                "user_id": author["id"],
                "name": author["name"],
                "email": author["email"],
                "description": body,
                "private": "1" if rng.random() < 0.25 else "0",
                "source": rng.choice(ticket_text.NOTE_SOURCES),
                "date_added": format_datetime(moment),
            }
        )
    return notes


def attachment(plan: SamplePlan, index: int, attachment_id: int) -> Attachment | None:
    """Return the attachment of ticket `index`, or None for the tickets without one."""
    rng = plan.rng("ticket_attachment", index)
    if index != EMPTY_ATTACHMENT_INDEX and rng.random() >= ATTACHMENT_SHARE:
        return None
    kind = ATTACHMENT_KINDS[-1] if index == EMPTY_ATTACHMENT_INDEX else rng.choice(ATTACHMENT_KINDS)
    file_name, mime_type, magic = kind
    content = _attachment_content(rng, file_name, magic)
    ticket = ticket_row(plan, index)
    added = datetime.strptime(ticket["date_added"], "%Y-%m-%d %H:%M:%S")
    row = {
        "id": str(attachment_id),
        "ticket_id": ticket["id"],
        "ticket_note_id": "",
        "file_name": file_name,
        "path": f"files/tickets/{ticket['id']}/{attachment_id}-{file_name}",
        "mime_type": mime_type,
        "date_added": format_datetime(existing_local_time(added + timedelta(minutes=5))),
        "size": str(len(content)),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    return Attachment(row=row, content=content)


def _attachment_content(rng: random.Random, file_name: str, magic: bytes) -> bytes:
    # Binary kinds get their format's magic bytes and random filler, logs get readable lines.
    if file_name == "empty.txt":
        return b""
    if file_name.endswith(".txt"):
        lines = [
            f"2024-03-04 14:{minute:02d}:00 ERROR Backup job failed: access denied (0x80070005)"
            for minute in sorted(rng.sample(range(60), rng.randrange(2, 20)))
        ]
        return ("\r\n".join(lines) + "\r\n").encode("ascii")
    return magic + rng.randbytes(32 * rng.randrange(1, 64))

"""The reference table (``*_id`` column to target object) and compact sets of object ids."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PEOPLE = ("users", "clients")

REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {"company_id": ("companies",)},
    "projects": {
        "company_id": ("companies",),
        "project_manager_id": ("users",),
        "project_lead_id": ("users",),
    },
    "agents": {"company_id": ("companies",)},
    "tickets": {
        "user_id": PEOPLE,
        "submitted_user_id": PEOPLE,
        "assigned_user_id": ("users",),
        "company_id": ("companies",),
        "project_id": ("projects",),
        "agent_id": ("agents",),
        "merge_ticket_id": ("tickets",),
    },
    "ticket_notes": {"ticket_id": ("tickets",), "user_id": PEOPLE},
    "ticket_attachments": {"ticket_id": ("tickets",), "ticket_note_id": ("ticket_notes",)},
    "invoices": {
        "company_id": ("companies",),
        "contact_user_id": PEOPLE,
        "project_id": ("projects",),
        "ticket_id": ("tickets",),
    },
    "timesheets": {
        "user_id": ("users",),
        "ticket_id": ("tickets",),
        "project_id": ("projects",),
        "company_id": ("companies",),
        "invoice_id": ("invoices",),
    },
    "invoice_lines": {
        "invoice_id": ("invoices",),
        "product_id": ("products",),
        "timesheet_id": ("timesheets",),
    },
    "agent_software": {"agent_id": ("agents",)},
    "agent_alerts": {"agent_id": ("agents",), "ticket_id": ("tickets",)},
    "articles": {"user_id": PEOPLE},
    "article_tickets": {"article_id": ("articles",), "ticket_id": ("tickets",)},
    "passwords": {"company_id": ("companies",), "user_id": PEOPLE, "parent_id": ("passwords",)},
}
"""Per object: reference column to the objects its value may name. 0 or empty means none."""

NO_REFERENCE = frozenset({"", "0", "null", "NULL"})
MAX_BITMAP_ID = 100_000_000
"""Largest id kept in the bitmap (12.5 MB at most); larger ids go to a set."""


class IdSet:
    """A set of ids in little memory: a bitmap for non-negative integers, a set for the rest.

    A million ticket ids between 10000 and 1010000 take 125 KB, so the set stays small as an
    export grows. Text ids (rare in Bluetrait) and integers above `MAX_BITMAP_ID` go to an
    ordinary set, so one mangled id such as ``500000000000`` cannot allocate gigabytes.
    """

    def __init__(self) -> None:
        self._bits = bytearray()
        self._other: set[str] = set()
        self.count = 0

    def add(self, value: str) -> None:
        """Add one id."""
        text = value.strip()
        if not _fits_bitmap(text):
            if text not in self._other:
                self._other.add(text)
                self.count += 1
            return

        number = int(text)
        index, bit = divmod(number, 8)
        if index >= len(self._bits):
            self._bits.extend(bytes(max(index + 1 - len(self._bits), len(self._bits))))
        if not self._bits[index] & (1 << bit):
            self._bits[index] |= 1 << bit
            self.count += 1

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        text = value.strip()
        if not _fits_bitmap(text):
            return text in self._other
        index, bit = divmod(int(text), 8)
        return index < len(self._bits) and bool(self._bits[index] & (1 << bit))


def _fits_bitmap(text: str) -> bool:
    return text.isdigit() and len(text) <= len(str(MAX_BITMAP_ID)) and int(text) <= MAX_BITMAP_ID

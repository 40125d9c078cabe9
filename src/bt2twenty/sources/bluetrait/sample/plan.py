"""Row counts, id ranges and random streams of one sample export, derived from scale and seed.

Every row is a pure function of the seed, its object and its index, so any row can be rebuilt
on demand (a ticket's client, a timesheet's ticket) without keeping earlier rows in memory.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

TENANT_ZONE = ZoneInfo("Australia/Sydney")
HISTORY_START = datetime(2021, 3, 1, 8, 0)
HISTORY_DAYS = 1300  # to late September 2024
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

# Rows per object at scale 1, the size of a small MSP's tenant.
BASE_COUNTS = {
    "users": 9,
    "companies": 42,
    "clients": 133,
    "projects": 25,
    "products": 12,
    "agents": 120,
    "tickets": 400,
    "timesheets": 600,
    "invoices": 120,
    "articles": 30,
    "passwords": 50,
}

# Minimum rows of each object, so that every planted data problem has its rows.
MINIMUM_COUNTS = {
    "users": 9,
    "companies": 16,
    "clients": 40,
    "projects": 3,
    "products": 12,
    "agents": 4,
    "tickets": 60,
    "timesheets": 10,
    "invoices": 8,
    "articles": 2,
    "passwords": 4,
}


@dataclass(frozen=True, eq=False)
class SamplePlan:
    """How many rows of each object to write, and where each id range starts."""

    seed: int
    counts: dict[str, int]
    client_id_base: int
    password_history_id_base: int
    orphan_company_id: int
    orphan_user_id: int

    @classmethod
    def for_scale(cls, scale: float, seed: int) -> SamplePlan:
        """Plan an export `scale` times the size of a small tenant."""
        if scale <= 0:
            raise ValueError(f"scale must be greater than 0, got {scale}")
        counts = {
            name: max(MINIMUM_COUNTS[name], round(base * scale))
            for name, base in BASE_COUNTS.items()
        }
        return cls(
            seed=seed,
            counts=counts,
            client_id_base=_id_base_above(1000, counts["users"]),
            password_history_id_base=_id_base_above(5000, 700 + counts["passwords"]),
            orphan_company_id=_repdigit_above(9, 100 + counts["companies"], min_width=4),
            orphan_user_id=_repdigit_above(
                8, _id_base_above(1000, counts["users"]) + counts["clients"], min_width=6
            ),
        )

    def rng(self, kind: str, index: int) -> random.Random:
        """Return the random stream of one row; the same seed, kind and index give the same row."""
        return random.Random(f"{self.seed}:{kind}:{index}")

    # Rows are cached per plan, so a plan hashes by identity (eq=False).

    def company_id(self, index: int) -> int:
        return 101 + index

    def client_id(self, index: int) -> int:
        return self.client_id_base + 1 + index

    def ticket_id(self, index: int) -> int:
        return 10001 + index

    def company_of_client(self, index: int) -> int:
        """Return the index of the company a client belongs to (clients come in company blocks)."""
        return index * self.counts["companies"] // self.counts["clients"]


def _id_base_above(default: int, highest_used: int) -> int:
    """Return `default`, or the next power of ten when ids up to `highest_used` reach it."""
    base = default
    while base <= highest_used:
        base *= 10
    return base


def _repdigit_above(digit: int, highest_used: int, *, min_width: int) -> int:
    """Return the shortest number made of `digit` repeated (9999, 888888 …) above `highest_used`."""
    width = min_width
    while int(str(digit) * width) <= highest_used:
        width += 1
    return int(str(digit) * width)


def random_moment(rng: random.Random, *, start_hour: int = 8, end_hour: int = 18) -> datetime:
    """Return a whole-minute local time on a day of the sample's history, in business hours."""
    day = HISTORY_START + timedelta(days=rng.randrange(HISTORY_DAYS))
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    return day.replace(hour=0) + timedelta(minutes=minutes)


def existing_local_time(moment: datetime) -> datetime:
    """Return `moment`, moved one hour later if it falls in Sydney's spring-forward gap.

    Bluetrait stores ``date('Y-m-d H:i:s')`` in the tenant's zone, which never yields a wall
    time the clock skipped. Only rows planted as daylight-saving edge cases keep such a time.
    """
    if moment.hour != 2:
        return moment
    aware = moment.replace(tzinfo=TENANT_ZONE)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(TENANT_ZONE).replace(tzinfo=None)
    if round_trip != moment:
        return moment + timedelta(hours=1)
    return moment


# The two formatters below write DATETIME_FORMAT and DATE_FORMAT with f-strings, which run
# several times faster than strftime on the million-row path.


def format_datetime(moment: datetime) -> str:
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


def format_date(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"

"""Measure how many Bluetrait client and ticket rows per second the value converters handle.

Rows are generated in memory in the shapes of the reference export (clients.csv and
tickets.csv): names in both orders and single names, several emails in one cell, Australian
phones with extensions and lost zeros, MySQL datetimes, HTML and plain-text bodies.

    /work/venv/bin/python benchmarks/transform_throughput.py [--rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable

from bt2twenty.transform import ConversionParameters, convert_value, value_map_for

FIRST_NAMES = ["Mei", "Zoe", "Zoë", "Liam", "Priya", "Björn", "José", "Ngaio", "Lucas", "Ava"]
LAST_NAMES = ["Singh", "Lee", "McDonald", "O'Brien", "Van der Berg", "Papadopoulos", "Tran"]
ROLES = ["Reception", "Accounts", "Front Desk"]
DOMAINS = ["acmedental.com.au", "gmail.com", "redgumlegal.com.au", "outbackpharmacy.com.au"]
# Phone shapes seen in the export; each "#" becomes a random digit.
PHONE_SHAPES = [
    "(08) 92## ####",
    "03 96## #### ext ##",
    "+61 7 38## ####",
    "1300 ### ###",
    "041# ### ###",
    "041#######",
    "6141#######",
    "41#######",
    "",
]
STATUSES = [
    "Open",
    "In Progress",
    "On Hold",
    "Waiting on Client",
    "Scheduled",
    "Resolved",
    "Closed",
]
PRIORITIES = ["Low", "Medium", "High", "Critical"]
TAGS = ["backup", "printer", "email", "network", "security", "onboarding", "urgent"]
SUBJECTS = ["Printer offline – Level 24", "Laptop won't boot", "Xero login issue", "VPN drops"]
BODIES = [
    "{subject}\n\nSent from my iPhone",
    "<p>Hi team,</p><p>{subject}. Can someone take a look?</p><p>Thanks,<br />{name}</p>",
    "<p>{subject} &amp; it's urgent — the &quot;main&quot; printer.</p><p>&nbsp;</p>",
    "<p>{subject}</p><table><tr><td>Device</td><td>TASMAN-LT071</td></tr></table>",
    "<div>{subject}</div><div><br></div><div>Screenshot attached.</div><div>Regards,</div>",
]

CLIENT_FIELDS = {
    "name": "FULL_NAME",
    "email": "EMAILS",
    "phone_number": "PHONES",
    "mobile": "PHONES",
    "position": "TEXT",
    "allow_login": "BOOLEAN",
    "date_added": "DATE_TIME",
}
TICKET_FIELDS = {
    "subject": "TEXT",
    "description": "RICH_TEXT",
    "status_name": "SELECT",
    "priority_name": "SELECT",
    "tags": "MULTI_SELECT",
    "date_added": "DATE_TIME",
    "date_due": "DATE",
    "archived": "BOOLEAN",
}

Row = dict[str, str]


def random_name(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return rng.choice([f"{first} {last}", f"{last}, {first}", first, rng.choice(ROLES)])


def random_phone(rng: random.Random) -> str:
    shape = rng.choice(PHONE_SHAPES)
    return "".join(str(rng.randint(0, 9)) if char == "#" else char for char in shape)


def random_datetime(rng: random.Random) -> str:
    return (
        f"{rng.randint(2021, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f" {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:00"
    )


def client_row(rng: random.Random) -> Row:
    name = random_name(rng)
    local = name.lower().replace(" ", ".").replace(",", "")
    count = rng.choice([1, 1, 1, 2])
    emails = [f"{local}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}" for _ in range(count)]
    return {
        "name": name,
        "email": "; ".join(emails),
        "phone_number": random_phone(rng),
        "mobile": random_phone(rng),
        "position": rng.choice(["Practice Manager", "Director", "Bookkeeper", ""]),
        "allow_login": rng.choice(["0", "1"]),
        "date_added": random_datetime(rng),
    }


def ticket_row(rng: random.Random) -> Row:
    subject = rng.choice(SUBJECTS)
    body = rng.choice(BODIES).format(subject=subject, name=random_name(rng))
    return {
        "subject": subject,
        "description": body,
        "html": "0" if "\n" in body else "1",
        "status_name": rng.choice(STATUSES),
        "priority_name": rng.choice(PRIORITIES),
        "tags": ";".join(rng.sample(TAGS, rng.randint(0, 3))),
        "date_added": random_datetime(rng),
        "date_due": rng.choice(["", "2024-03-21"]),
        "archived": rng.choice(["0", "1"]),
    }


def parameters_for(fields: Iterable[str]) -> dict[str, ConversionParameters]:
    value_maps = {
        "status_name": value_map_for(STATUSES),
        "priority_name": value_map_for(PRIORITIES),
        "tags": value_map_for(TAGS),
    }
    return {
        name: ConversionParameters(field_name=name, value_map=value_maps.get(name, {}))
        for name in fields
    }


def convert_rows(rows: list[Row], fields: dict[str, str]) -> Counter[str]:
    """Convert every field of every row and count the outcomes by severity."""
    parameters = parameters_for(fields)
    outcomes: Counter[str] = Counter()
    for row in rows:
        rejected = False
        for column, field_type in fields.items():
            settings = parameters[column]
            if column == "description":
                settings = ConversionParameters(field_name=column, is_html=row["html"] == "1")
            converted = convert_value(field_type, row[column], settings)
            rejected = rejected or converted.is_rejected
            outcomes.update(problem.code for problem in converted.problems)
        outcomes["rows rejected" if rejected else "rows accepted"] += 1
    return outcomes


def measure(
    label: str,
    make_row: Callable[[random.Random], Row],
    fields: dict[str, str],
    count: int,
    seed: int,
) -> None:
    rng = random.Random(seed)
    rows = [make_row(rng) for _ in range(count)]

    started = time.perf_counter()
    outcomes = convert_rows(rows, fields)
    elapsed = time.perf_counter() - started

    rate = count / elapsed
    print(f"{label}: {count} rows, {len(fields)} fields each, {elapsed:.2f} s, {rate:,.0f} rows/s")
    print(f"  accepted {outcomes['rows accepted']}, rejected {outcomes['rows rejected']}")
    codes = {code: n for code, n in outcomes.items() if not code.startswith("rows ")}
    for code, number in sorted(codes.items()):
        print(f"  {code}: {number}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows per object (default 20000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the generated rows")
    arguments = parser.parse_args()

    processor = platform.processor() or "unknown CPU"
    print(f"Python {platform.python_version()} on {platform.machine()}, {processor}")
    measure("clients", client_row, CLIENT_FIELDS, arguments.rows, arguments.seed)
    measure("tickets", ticket_row, TICKET_FIELDS, arguments.rows, arguments.seed)


if __name__ == "__main__":
    main()

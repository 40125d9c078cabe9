"""Australian names, places, phone numbers and ABNs for sample exports."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FIRST_NAMES = (
    "Jack",
    "Oliver",
    "William",
    "Noah",
    "Henry",
    "Leo",
    "Thomas",
    "Lucas",
    "Liam",
    "Mason",
    "Cooper",
    "Hamish",
    "Ethan",
    "Xavier",
    "Tom",
    "Charlotte",
    "Amelia",
    "Isla",
    "Olivia",
    "Mia",
    "Grace",
    "Ava",
    "Matilda",
    "Ruby",
    "Sienna",
    "Zoe",
    "Chloe",
    "Harper",
    "Jane",
    "Ngaio",
    "Priya",
    "Mei",
    "Anh",
    "Fatima",
    "Siobhan",
    "Dmitri",
    "José",
    "Zoë",
    "Björn",
    "Aroha",
)
LAST_NAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Wilson",
    "Taylor",
    "Nguyen",
    "Johnson",
    "Martin",
    "White",
    "Anderson",
    "Walker",
    "Thompson",
    "Harris",
    "Ryan",
    "Robinson",
    "Kelly",
    "King",
    "Campbell",
    "Davies",
    "Murphy",
    "Chen",
    "Lee",
    "Tran",
    "Singh",
    "Papadopoulos",
    "Kowalski",
    "O'Brien",
    "McDonald",
    "Van der Berg",
    "Citizen",
    "Nguyễn",
)
ROLE_NAMES = ("Reception", "Accounts", "Front Desk", "Admin", "IT", "Practice Manager")
POSITIONS = ("Director", "Office Manager", "Practice Manager", "Bookkeeper", "", "Owner")


@dataclass(frozen=True)
class Locality:
    """A suburb with its state and four-digit postcode (NT postcodes start with 0)."""

    suburb: str
    state: str
    postcode: str


LOCALITIES = (
    Locality("Sydney", "NSW", "2000"),
    Locality("Parramatta", "NSW", "2150"),
    Locality("Chatswood", "NSW", "2067"),
    Locality("Newcastle", "NSW", "2300"),
    Locality("Wollongong", "NSW", "2500"),
    Locality("Melbourne", "VIC", "3000"),
    Locality("Richmond", "VIC", "3121"),
    Locality("Geelong", "VIC", "3220"),
    Locality("Ballarat", "VIC", "3350"),
    Locality("Brisbane City", "QLD", "4000"),
    Locality("Fortitude Valley", "QLD", "4006"),
    Locality("Southport", "QLD", "4215"),
    Locality("Cairns", "QLD", "4870"),
    Locality("Adelaide", "SA", "5000"),
    Locality("Glenelg", "SA", "5045"),
    Locality("Perth", "WA", "6000"),
    Locality("Fremantle", "WA", "6160"),
    Locality("Hobart", "TAS", "7000"),
    Locality("Launceston", "TAS", "7250"),
    Locality("Darwin", "NT", "0800"),
    Locality("Alice Springs", "NT", "0870"),
    Locality("Canberra", "ACT", "2600"),
    Locality("Braddon", "ACT", "2612"),
)
STREETS = (
    "George St",
    "Pitt St",
    "Macquarie St",
    "Collins St",
    "Elizabeth St",
    "Queen St",
    "King William St",
    "Hay St",
    "Smith St",
    "Flinders Lane",
    "Murray St",
    "Bourke St",
)
AREA_CODES = {"NSW": "02", "ACT": "02", "VIC": "03", "TAS": "03", "QLD": "07"}
PLACE_WORDS = (
    "Tasman",
    "Parramatta",
    "Daintree",
    "Redgum",
    "Riverina",
    "Blue Gum",
    "Hunter Valley",
    "Summit",
    "Sunshine",
    "Eureka",
    "Wattle",
    "Outback",
    "Gippsland",
    "Ironbark",
    "Yarra",
    "Harbour",
    "Kakadu",
    "Flinders",
    "Acme",
    "Southern Cross",
    "Murray",
    "Coral Coast",
    "Barossa",
    "Kimberley",
    "Nullarbor",
    "Jacaranda",
    "Banksia",
    "Brindabella",
)
INDUSTRIES = (
    "Real Estate",
    "Bakery",
    "Accounting",
    "Physio",
    "Engineering",
    "Builders",
    "Architects",
    "Logistics",
    "Medical Centre",
    "Pharmacy",
    "Removals",
    "Dental",
    "Electrical",
    "Legal",
    "Motors",
    "Plumbing",
    "Vets",
    "Landscaping",
)
COMPANY_SUFFIXES = ("Pty Ltd", "Pty. Ltd.", "Group", "Partners", "& Co", "")
# Names whose accents an old latin-1 round trip turned into mojibake in the database.
ACCENTED_COMPANY_NAMES = ("Café Brulée", "Crème Fraîche Catering", "Señor Taco", "Noël Florist")

_ABN_WEIGHTS = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def is_valid_abn(abn: str) -> bool:
    """Return whether an 11-digit Australian Business Number passes its modulus-89 check."""
    digits = [int(character) for character in abn if character.isdigit()]
    if len(digits) != 11 or digits[0] == 0:
        return False
    digits[0] -= 1
    return sum(digit * weight for digit, weight in zip(digits, _ABN_WEIGHTS, strict=True)) % 89 == 0


def make_abn(rng: random.Random) -> str:
    """Return a random ABN with a valid checksum, spaced ``NN NNN NNN NNN`` as the ATO shows it."""
    while True:
        tail = [rng.randrange(10) for _ in range(9)]
        weighted_tail = sum(
            digit * weight for digit, weight in zip(tail, _ABN_WEIGHTS[2:], strict=True)
        )
        for prefix in range(10, 100):
            first, second = divmod(prefix, 10)
            total = (first - 1) * 10 + second + weighted_tail
            if total % 89 == 0:
                digits = f"{prefix}" + "".join(str(digit) for digit in tail)
                return f"{digits[:2]} {digits[2:5]} {digits[5:8]} {digits[8:]}"


def landline(rng: random.Random, state: str) -> str:
    """Return a landline for `state` in one of the ways Australian offices write it."""
    area = AREA_CODES.get(state, "08")
    first, second = rng.randrange(8000, 10000), rng.randrange(1000, 10000)
    style = rng.randrange(10)
    if style < 3:
        return f"({area}) {first} {second}"
    if style < 5:
        return f"{area} {first} {second}"
    if style < 7:
        return f"+61 {area[1]} {first} {second}"
    if style < 8:
        return f"{area} {first} {second} ext {rng.randrange(10, 100)}"
    if style < 9:
        return f"1300 {rng.randrange(100, 1000)} {rng.randrange(100, 1000)}"
    return f"13 {rng.randrange(10, 100)} {rng.randrange(10, 100)}"


def mobile(rng: random.Random) -> str:
    """Return a mobile number in one of the formats found in Australian address books."""
    digits = f"4{rng.randrange(10, 100)}{rng.randrange(100, 1000)}{rng.randrange(100, 1000)}"
    style = rng.randrange(4)
    if style == 0:
        return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 1:
        return f"0{digits}"
    if style == 2:
        return f"+61 {digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"61{digits}"


def mangle_encoding(text: str) -> str:
    """Return `text` as it looks after UTF-8 bytes were read back as Windows-1252 once."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


def domain_for(company_name: str) -> str:
    """Return the web domain a company of this name would register, e.g. acmedental.com.au."""
    words = company_name.replace("&", "and").replace(".", "").split()
    significant = [word for word in words if word not in ("Pty", "Ltd")]
    return "".join(significant).lower() + ".com.au"

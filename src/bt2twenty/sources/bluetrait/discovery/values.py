"""Recognise what one text value is: a number, a flag, an email, a phone number, a URL, HTML."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

BOOLEAN_VALUES = frozenset({"0", "1", "true", "false", "yes", "no", "y", "n"})
MONEY_HINTS = (
    "price",
    "total",
    "amount",
    "rate",
    "cost",
    "budget",
    "paid",
    "subtotal",
    "tax",
    "balance",
    "fee",
)
NOT_MONEY_HINTS = ("tax_rate", "percent", "hours", "quantity", "discount")
NOT_PHONE_NAMES = ("abn", "acn", "tax_number", "serial", "ip_")

_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d{1,3}(?:,?\d{3})*(?:\.\d+)?$|^-?\d*\.\d+$")
_MONEY = re.compile(
    r"^\(?-?\s*(?:A?\$|AUD\s?)?\s*-?\d{1,3}(?:,?\d{3})*(?:\.\d{1,2})?\s*(?:AUD)?\)?$"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_EMAIL_CELL_SPLIT = re.compile(r"[;,\s]+")
_PHONE = re.compile(r"^\+?[\d ()\-.]{8,20}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)
_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$"
    r"|^https?://\S+$",
    re.IGNORECASE,
)
_SCIENTIFIC = re.compile(r"^-?\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
_SHORT_POSTCODE = re.compile(r"^\d{3}$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>|&(?:[a-z]+|#\d+);")


def is_integer(value: str) -> bool:
    """Return True for a whole number such as ``42`` or ``-7``."""
    return _INTEGER.match(value) is not None


def is_decimal(value: str) -> bool:
    """Return True for a number with an optional fraction and thousands separators."""
    return _DECIMAL.match(value) is not None


def is_money(value: str) -> bool:
    """Return True for an amount such as ``$1,100.00``, ``-$50.00``, ``($50.00)`` or ``12.5``."""
    return _MONEY.match(value) is not None and any(digit.isdigit() for digit in value)


def is_boolean(value: str) -> bool:
    """Return True for a flag such as ``0``, ``1``, ``TRUE`` or ``no``."""
    return value.strip().lower() in BOOLEAN_VALUES


def emails_in(value: str) -> list[str]:
    """Return the email addresses in a cell, in order (several may share one cell)."""
    return _EMAIL.findall(value)


def is_email_cell(value: str) -> bool:
    """Return True when a cell contains only email addresses, separators and display names."""
    found = emails_in(value)
    if not found:
        return False
    rest = _EMAIL.sub(" ", value)
    rest = re.sub(r'"[^"]*"|<|>', " ", rest)
    return not _EMAIL_CELL_SPLIT.sub("", rest)


def is_phone(value: str) -> bool:
    """Return True for a phone number as people type them (``(02) 9876 5432``, ``+61 ...``)."""
    text = value.strip()
    if _PHONE.match(text) is None or _IPV4.match(text) is not None:
        return False
    return sum(character.isdigit() for character in text) >= 8


def is_url(value: str) -> bool:
    """Return True for a web address or a bare domain such as ``acme.com.au``."""
    return "@" not in value and _URL.match(value.strip()) is not None


def is_excel_damaged(column: str, value: str) -> bool:
    """Return True for values Excel rewrites: ``5.00E+11`` ids and serials, 3-digit postcodes.

    Australian postcodes have four digits, so ``800`` is Darwin's ``0800`` with its zero lost.
    """
    if _SCIENTIFIC.match(value):
        return True
    return "postcode" in column and _SHORT_POSTCODE.match(value) is not None


def has_html(value: str) -> bool:
    """Return True when the text contains HTML tags or entities."""
    return _HTML.search(value) is not None


def is_money_name(column: str) -> bool:
    """Return True when a column name suggests an amount of money."""
    if column.endswith("_id") or any(hint in column for hint in NOT_MONEY_HINTS):
        return False
    return any(hint in column for hint in MONEY_HINTS)


def is_phone_name(column: str) -> bool:
    """Return False for columns whose digit groups look like phone numbers but are not (ABN)."""
    return not any(column.startswith(name) or column == name.strip("_") for name in NOT_PHONE_NAMES)


def bare_domain(website: str) -> str:
    """Return a website as a bare lower-case domain: no scheme, ``www.``, port or path."""
    text = website.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/", 1)[0].split(":", 1)[0]
    return text.removeprefix("www.")


def parse_amount(value: str) -> float | None:
    """Return an amount as a number (``($50.00)`` is -50), or None when it is not one."""
    text = value.strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = re.sub(r"[()$,\s]|AUD|A(?=\$)", "", text)
    try:
        amount = float(text)
    except ValueError:
        return None
    return -amount if negative else amount

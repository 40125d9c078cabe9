"""API response bodies built from export rows, in the shape Bluetrait's read actions return.

The list actions return the same columns as the export's CSV files, every value as a JSON
string. The two lookup actions return ``[{"id": 1, "name": "Low"}, …]`` with integer ids,
numbered in the order Bluetrait seeds them and then in the order new names first appear.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any, TextIO

logger = logging.getLogger(__name__)

SEEDED_PRIORITIES = ("Low", "Medium", "High", "Critical", "Urgent")
SEEDED_DEPARTMENTS = ("Service Desk", "Projects", "Accounts")


def lookup_body(names: Iterable[str], seeded: tuple[str, ...]) -> list[dict[str, Any]]:
    """Return the ``[{"id", "name"}]`` body of a lookup table holding `names`."""
    present = [name for name in dict.fromkeys(names) if name]
    ordered = [name for name in seeded if name in present]
    ordered += [name for name in present if name not in seeded]
    return [{"id": number, "name": name} for number, name in enumerate(ordered, start=1)]


def priorities_body(tickets: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    return lookup_body((ticket["priority_name"] for ticket in tickets), SEEDED_PRIORITIES)


def departments_body(tickets: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    return lookup_body((ticket["department_name"] for ticket in tickets), SEEDED_DEPARTMENTS)


class JsonArrayWriter:
    """Streams a JSON array to a file, laid out as ``json.dumps(rows, indent=1)`` would."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.items_written = 0

    def write(self, item: Any) -> None:
        self._stream.write("[\n" if self.items_written == 0 else ",\n")
        self._stream.write(_indented_item(item))
        self.items_written += 1

    def close(self) -> None:
        """Finish the array; the caller closes the stream."""
        self._stream.write("[]" if self.items_written == 0 else "\n]")


def _indented_item(item: Any) -> str:
    """Return `item` as one element of an ``indent=1`` array, one space deeper than the brackets.

    A flat object of strings, the common case, is laid out here, because ``json.dumps`` with an
    indent falls back to its pure-Python encoder, which is several times slower.
    """
    if isinstance(item, dict) and item and all(isinstance(value, str) for value in item.values()):
        members = ",\n".join(
            f"  {_dumps(str(key))}: {_dumps(value)}" for key, value in item.items()
        )
        return " {\n" + members + "\n }"
    return " " + json.dumps(item, indent=1, ensure_ascii=False).replace("\n", "\n ")


def _dumps(text: str) -> str:
    # The same escaping json.dumps(text, ensure_ascii=False) applies, without its per-call setup.
    quoted: str = encode_basestring(text)
    return quoted

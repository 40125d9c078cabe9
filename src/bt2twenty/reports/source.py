"""The export as the hand-over documents read it: rows per object, and names behind ids."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import cached_property

from bt2twenty.sources.bluetrait import BluetraitExport

logger = logging.getLogger(__name__)

TRUE_VALUES = frozenset({"1", "true", "yes", "y", "on"})


def is_true(value: str | None) -> bool:
    """Return whether an export flag ("1", "TRUE", "yes") is set."""
    return (value or "").strip().lower() in TRUE_VALUES


class ExportTables:
    """Reader of an open export's objects, on demand, with the names behind company and user ids.

    Small objects are kept in memory once read. Large ones (tickets) are only streamed.
    """

    def __init__(self, export: BluetraitExport) -> None:
        self.export = export
        self._cache: dict[str, list[dict[str, str]]] = {}

    def has(self, name: str) -> bool:
        """Return whether the export contains the object."""
        return self.export.get(name) is not None

    def stream(self, name: str) -> Iterator[dict[str, str]]:
        """Yield the object's rows one at a time, or nothing when the export lacks the object."""
        if not self.has(name):
            return
        for row in self.export.iter_rows(name):
            yield row.values

    def rows(self, name: str) -> list[dict[str, str]]:
        """Return every row of a small object, read once."""
        if name not in self._cache:
            self._cache[name] = list(self.stream(name))
        return self._cache[name]

    def columns(self, name: str) -> set[str]:
        """Return the canonical column names of the object's files (after reading its rows)."""
        self.rows(name)
        obj = self.export.get(name)
        if obj is None:
            return set()
        found = {key for row in self._cache.get(name, []) for key in row}
        for export_file in obj.files:
            if export_file.layout is not None:
                found.update(export_file.layout.names)
        return found

    @cached_property
    def company_names(self) -> dict[str, str]:
        """Company id to name."""
        return {_id(row): row.get("name", "").strip() for row in self.rows("companies")}

    @cached_property
    def users(self) -> dict[str, dict[str, str]]:
        """Staff user id to its row."""
        return {_id(row): row for row in self.rows("users")}

    @cached_property
    def client_names(self) -> dict[str, str]:
        """Client id to name."""
        return {_id(row): row.get("name", "").strip() for row in self.rows("clients")}

    def company(self, row: dict[str, str]) -> str:
        """Return a row's company name: its own `company_name`, else the name behind its id."""
        name = row.get("company_name", "").strip()
        if name:
            return name
        company_id = row.get("company_id", "").strip()
        if not company_id or company_id == "0":
            return ""
        return self.company_names.get(company_id, f"company {company_id} (not in the export)")

    def user(self, user_id: str) -> str:
        """Return a staff user as "Name <email>", or the bare id when the export lacks them."""
        user_id = user_id.strip()
        if not user_id or user_id == "0":
            return ""
        user = self.users.get(user_id)
        if user is None:
            return f"user {user_id} (not in the export)"
        name = user.get("name", "").strip()
        email = user.get("email", "").strip()
        return f"{name} <{email}>" if email else name or f"user {user_id}"


def _id(row: dict[str, str]) -> str:
    return row.get("id", "").strip()

"""A CSV file's header turned into canonical columns, and each record checked against it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bt2twenty.sources.bluetrait.aliases import canonical_column

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Column:
    """One header cell: its position, the name as written, and the canonical name used in rows.

    `known` is False for a column Bluetrait's tables do not have; such a column is still read
    and offered to the mapping step. `unnamed` marks an empty header cell, usually the trailing
    column a final delimiter leaves.
    """

    index: int
    header: str
    name: str
    known: bool
    unnamed: bool = False


@dataclass
class HeaderLayout:
    """The columns of one file, with the header problems found while naming them."""

    columns: list[Column]
    duplicates: dict[str, int] = field(default_factory=dict)

    @property
    def width(self) -> int:
        """Return the number of header cells."""
        return len(self.columns)

    @property
    def named_width(self) -> int:
        """Return the header width without the unnamed columns at its end."""
        width = len(self.columns)
        while width and self.columns[width - 1].unnamed:
            width -= 1
        return width

    @property
    def names(self) -> list[str]:
        """Return the canonical names of the named columns."""
        return [column.name for column in self.columns if not column.unnamed]


def build_layout(object_name: str, headers: list[str]) -> HeaderLayout:
    """Name each header cell canonically; a repeated name gets a ``__2``, ``__3`` suffix."""
    columns: list[Column] = []
    seen: dict[str, int] = {}
    duplicates: dict[str, int] = {}

    for index, header in enumerate(headers):
        name, known = canonical_column(object_name, header)
        if not name:
            columns.append(Column(index, header, f"column_{index + 1}", False, unnamed=True))
            continue

        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            duplicates[name] = seen[name]
            logger.info(
                "Header %r repeats column %r; it is read as %s__%d", header, name, name, seen[name]
            )
            name = f"{name}__{seen[name]}"
        columns.append(Column(index, header, name, known))

    return HeaderLayout(columns, duplicates)


def match_fields(layout: HeaderLayout, fields: list[str]) -> tuple[dict[str, str] | None, str]:
    """Return (values by canonical name, "") for a record, or (None, reason) to reject it.

    A record may leave out the unnamed columns at the end of the header. It may also carry
    extra fields at its end when they are all empty. Any other difference in width is a reject.
    """
    width = layout.width
    count = len(fields)
    if count > width and any(value != "" for value in fields[width:]):
        return None, (
            f"expected {width} fields (from the header), found {count}; "
            f"the extra fields are not empty"
        )
    if count < width and count < layout.named_width:
        return None, f"expected {width} fields (from the header), found {count}"

    values: dict[str, str] = {}
    for column in layout.columns:
        value = fields[column.index] if column.index < count else ""
        if column.unnamed and value == "":
            continue
        values[column.name] = value
    return values, ""

"""CSV in the dialect of PHP's ``fputcsv``/``fgetcsv`` with their default backslash escape.

Inside an enclosed field each quote is doubled, except a quote that follows a backslash: PHP
treats ``\\"`` as already escaped and writes it unchanged. An RFC 4180 reader then takes that
quote for the end of the field, so such files need the matching reader below.

The writer encloses a field only when it contains a comma, a quote or a line break, as the
Bluetrait exports seen so far do. PHP's own ``fputcsv`` also encloses fields that contain a
space, a tab or a backslash. The reader accepts both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

logger = logging.getLogger(__name__)

ESCAPE = "\\"
ENCLOSURE = '"'
DELIMITER = ","

_NEEDS_ENCLOSURE = re.compile(r'[,"\r\n]')


def format_field(value: str) -> str:
    """Return `value` as one CSV field, enclosed only when it must be."""
    if not _NEEDS_ENCLOSURE.search(value):
        return value
    if ENCLOSURE not in value:
        return ENCLOSURE + value + ENCLOSURE
    if ESCAPE not in value:
        return ENCLOSURE + value.replace(ENCLOSURE, ENCLOSURE * 2) + ENCLOSURE
    return ENCLOSURE + _double_quotes_after_php_escape(value) + ENCLOSURE


def _double_quotes_after_php_escape(value: str) -> str:
    # PHP copies the character after a backslash as it is, so a quote there is not doubled.
    parts: list[str] = []
    escaped = False
    for character in value:
        if escaped:
            escaped = False
        elif character == ESCAPE:
            escaped = True
        elif character == ENCLOSURE:
            parts.append(ENCLOSURE)
        parts.append(character)
    return "".join(parts)


def format_row(values: Sequence[str]) -> str:
    """Return one CSV record with its line feed."""
    return DELIMITER.join(format_field(value) for value in values) + "\n"


class PhpCsvWriter:
    """Writes rows of one CSV file in PHP's dialect: UTF-8, no BOM, LF line ends."""

    def __init__(self, stream: TextIO, header: Sequence[str]) -> None:
        self._stream = stream
        self.header = tuple(header)
        self.rows_written = 0
        stream.write(format_row(self.header))

    def write(self, row: dict[str, str]) -> None:
        """Write `row`, whose keys must be exactly the header's columns."""
        self._stream.write(format_row([row[column] for column in self.header]))
        self.rows_written += 1


def parse_records(lines: Iterable[str]) -> Iterator[list[str]]:
    """Split CSV text into records as PHP ``fgetcsv`` does with its default escape.

    Inside an enclosed field a backslash keeps the next character, quote included, as a literal
    and stays in the value. ``""`` is one quote. Text after a closing quote and before the next
    comma is appended to the field, as PHP does.
    """
    fields: list[str] = []
    field: list[str] = []
    in_quotes = False
    escaped = False
    at_field_start = True
    for line in lines:
        if not in_quotes and ENCLOSURE not in line:
            tail = line.rstrip("\r\n")
            pieces = tail.split(DELIMITER)
            pieces[0] = "".join(field) + pieces[0]
            yield fields + pieces
            fields, field, at_field_start = [], [], True
            continue
        index = 0
        length = len(line)
        while index < length:
            character = line[index]
            if in_quotes:
                if escaped:
                    escaped = False
                    field.append(character)
                elif character == ESCAPE:
                    escaped = True
                    field.append(character)
                elif character == ENCLOSURE:
                    if index + 1 < length and line[index + 1] == ENCLOSURE:
                        field.append(ENCLOSURE)
                        index += 1
                    else:
                        in_quotes = False
                else:
                    field.append(character)
            elif character == ENCLOSURE and at_field_start:
                in_quotes = True
                at_field_start = False
            elif character == DELIMITER:
                fields.append("".join(field))
                field, at_field_start = [], True
            elif character in "\r\n":
                pass
            else:
                field.append(character)
                at_field_start = False
            index += 1
        if not in_quotes:
            fields.append("".join(field))
            yield fields
            fields, field, at_field_start = [], [], True
    if fields or field:
        fields.append("".join(field))
        yield fields


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Yield each record of a PHP-written CSV file as a dict keyed by its header.

    A record with more or fewer fields than the header is logged and skipped with its line.
    """
    with path.open(encoding="utf-8", newline="") as stream:
        records = parse_records(stream)
        header = next(records, None)
        if header is None:
            return
        for number, record in enumerate(records, start=2):
            if len(record) != len(header):
                logger.warning(
                    "Skipped record %d of %s: %d fields where the header has %d",
                    number,
                    path,
                    len(record),
                    len(header),
                )
                continue
            yield dict(zip(header, record, strict=True))

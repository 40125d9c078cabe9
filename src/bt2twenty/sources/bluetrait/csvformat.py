"""A streaming CSV parser that reads fields exactly as PHP's ``fgetcsv`` does.

Bluetrait writes its exports with PHP ``fputcsv`` and its default escape character, the
backslash. ``fputcsv`` does not double a quote that follows a backslash, so the value
``C:\\Users\\Public\\" fails`` is written as ``"C:\\Users\\Public\\" fails"``. Python's ``csv``
module reads such a field differently from PHP: without ``escapechar`` it closes the field at
that quote, and with it it drops the backslashes. This parser follows the state machine of
PHP's ``php_fgetcsv`` (ext/standard/file.c, as in the PHP 7 source):

* inside an enclosure a backslash makes the next character literal, and the backslash is kept;
* a doubled enclosure (``""``) is one quote;
* a quote followed by anything else closes the enclosure, and every character after it up to
  the next delimiter is appended to the field (``"ab"cd`` reads as ``abcd``);
* whitespace before an opening quote is skipped;
* the line ending of a record is not part of its last field, but line endings inside an
  enclosure are kept as written;
* an unquoted field loses one trailing carriage return.

One difference is deliberate. When an enclosure is never closed, PHP returns the rest of the
file as the last field (or false). This parser raises `UnterminatedField` instead, so that the
row can be rejected with its line number.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

logger = logging.getLogger(__name__)

QUOTE = '"'
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
READ_CHUNK_CHARS = 1 << 20

_ESCAPE_OR_DOUBLED_QUOTE = re.compile(r'\\[\s\S]|""')


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One CSV record: its fields and the physical lines it spans (1-based, inclusive)."""

    fields: list[str]
    first_line: int
    last_line: int


class UnterminatedField(ValueError):
    """A quoted field is still open at the end of the file."""

    def __init__(self, first_line: int) -> None:
        super().__init__(f"a quoted field that starts on line {first_line} is never closed")
        self.first_line = first_line


def detect_delimiter(sample: str) -> str:
    """Return the delimiter of a CSV sample: comma, semicolon, tab or pipe.

    The sample's header line decides. `csv.Sniffer` is consulted only when the header contains
    none of the candidates, or several of them equally often.
    """
    header = sample.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in CANDIDATE_DELIMITERS}
    best = max(counts.values())
    winners = [delimiter for delimiter, count in counts.items() if count == best]
    if best > 0 and len(winners) == 1:
        return winners[0]

    try:
        dialect = csv.Sniffer().sniff(sample[:65536], delimiters="".join(CANDIDATE_DELIMITERS))
    except csv.Error:
        return ","
    return str(dialect.delimiter)


class PhpCsvReader:
    """Iterate the records of a text stream, one `RawRecord` at a time, in bounded memory.

    The stream must be opened with ``newline=""`` so that carriage returns reach the parser.
    Memory use is the current record plus one read chunk, however large the file is.
    """

    def __init__(self, stream: TextIO, delimiter: str = ",") -> None:
        self._stream = stream
        self._delimiter = delimiter
        escaped = re.escape(delimiter)
        self._quoted = re.compile(
            r'[ \t\v\f\r]*"((?:[^"\\]++|\\[\s\S]|"")*+)"([^' + escaped + r"\n]*)"
        )
        self._bare = re.compile(r"[^" + escaped + r"\n]*")
        self._leading_space = re.compile(r"[ \t\v\f\r]*")
        self._buffer = ""
        self._position = 0
        self._eof = False
        self._line = 1

    def __iter__(self) -> Iterator[RawRecord]:
        while True:
            record = self._next_record()
            if record is None:
                return
            yield record

    def _next_record(self) -> RawRecord | None:
        while True:
            if self._position >= len(self._buffer) and not self._fill():
                return None

            parsed = self._parse_at(self._position)
            if parsed is not None:
                fields, end = parsed
                return self._finish(fields, end)

            if self._fill():
                continue
            parsed = self._parse_at(self._position)
            if parsed is None:
                raise UnterminatedField(self._line)
            fields, end = parsed
            return self._finish(fields, end)

    def _finish(self, fields: list[str], end: int) -> RawRecord:
        text = self._buffer[self._position : end]
        first_line = self._line
        newlines = text.count("\n")
        self._line += newlines
        self._position = end
        last_line = first_line + newlines - (1 if text.endswith("\n") else 0)
        return RawRecord(fields, first_line, max(first_line, last_line))

    def _fill(self) -> bool:
        """Read one more chunk; return False at the end of the stream."""
        if self._eof:
            return False
        chunk = self._stream.read(READ_CHUNK_CHARS)
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[self._position :] + chunk
        self._position = 0
        return True

    def _parse_at(self, start: int) -> tuple[list[str], int] | None:
        """Parse one record from `start`; None when the buffer ends before the record does.

        Between quotes, PHP's rules reduce to splitting at each delimiter, so only the fields
        that contain a quote go through `_parse_field`.
        """
        buffer = self._buffer
        delimiter = self._delimiter
        fields: list[str] = []
        position = start

        while True:
            newline = buffer.find("\n", position)
            line_end = newline if newline != -1 else len(buffer)
            quote = buffer.find(QUOTE, position, line_end)
            if quote == -1:
                if newline == -1 and not self._eof:
                    return None
                segment = buffer[position:line_end]
                if segment.endswith("\r"):
                    segment = segment[:-1]
                fields.extend(_split_bare(segment, delimiter))
                return fields, line_end + 1 if newline != -1 else line_end

            cut = buffer.rfind(delimiter, position, quote) + 1
            if cut > position:
                fields.extend(_split_bare(buffer[position : cut - 1], delimiter))
                position = cut

            field_start = position
            field, position, complete, bare = self._parse_field(position)
            if not complete:
                return None
            fields.append(field)

            at_end = position >= len(buffer)
            if at_end and not self._eof:
                return None
            line_ends = at_end or buffer[position] == "\n"
            # A CRLF line ending leaves "\r" after the last field, outside any enclosure.
            if line_ends and position > field_start and buffer[position - 1] == "\r":
                fields[-1] = fields[-1][:-1]
            if bare and fields[-1].endswith("\r"):
                fields[-1] = fields[-1][:-1]
            if line_ends:
                return fields, position if at_end else position + 1
            position += 1

    def _parse_field(self, position: int) -> tuple[str, int, bool, bool]:
        """Return (value, position after it, whether it is complete, whether it is unquoted)."""
        buffer = self._buffer
        space = self._leading_space.match(buffer, position)
        assert space is not None
        after_space = space.end()

        if after_space < len(buffer) and buffer[after_space] == QUOTE:
            quoted = self._quoted.match(buffer, position)
            if quoted is None or (quoted.end() >= len(buffer) and not self._eof):
                return "", position, False, False
            return _unescape(quoted.group(1)) + quoted.group(2), quoted.end(), True, False

        if after_space >= len(buffer) and not self._eof:
            return "", position, False, True
        bare = self._bare.match(buffer, position)
        assert bare is not None
        if bare.end() >= len(buffer) and not self._eof:
            return "", position, False, True
        return bare.group(0), bare.end(), True, True


def _split_bare(text: str, delimiter: str) -> list[str]:
    """Split unquoted fields; like PHP, drop one trailing "\r" from each of them."""
    fields = text.split(delimiter)
    if "\r" not in text:
        return fields
    return [field[:-1] if field.endswith("\r") else field for field in fields]


def _unescape(body: str) -> str:
    """Turn the inside of an enclosure into its value, keeping backslash escapes verbatim."""
    if '""' not in body:
        return body
    if "\\" not in body:
        return body.replace('""', '"')
    return _ESCAPE_OR_DOUBLED_QUOTE.sub(lambda match: '"' if match[0] == '""' else match[0], body)


def is_blank(record: RawRecord) -> bool:
    """Return True for an empty line, which PHP reads as a single null field."""
    return len(record.fields) == 1 and record.fields[0] == ""

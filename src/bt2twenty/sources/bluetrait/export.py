"""Open a Bluetrait export and stream its rows, object by object, accounting for every one."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

from bt2twenty.errors import SourceError
from bt2twenty.redaction import register_secret
from bt2twenty.sources.bluetrait.aliases import OBJECTS, normalise_header, object_for_file
from bt2twenty.sources.bluetrait.csvformat import (
    PhpCsvReader,
    RawRecord,
    UnterminatedField,
    detect_delimiter,
    is_blank,
)
from bt2twenty.sources.bluetrait.encoding import EncodingReport, detect_encoding
from bt2twenty.sources.bluetrait.layout import HeaderLayout, build_layout, match_fields
from bt2twenty.sources.bluetrait.rejects import Reject, RejectLog
from bt2twenty.sources.bluetrait.streams import ExportEntry, ExportSource

logger = logging.getLogger(__name__)

DATA_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
ATTACHMENT_FOLDERS = frozenset({"files", "attachments", "uploads"})
DELIMITER_SAMPLE_CHARS = 65536
SUBMITTER_GROUP = "submitter"
SUBMITTER_GROUP_ID = "1"
SECRET_COLUMNS = frozenset({"password", "secret", "password__2"})
# The columns of the passwords file that an inventory may show. Every other column of that file
# is a secret: the password, the notes (where PINs and recovery codes end up), OTP seeds, custom
# fields, and any column this version does not know.
PASSWORD_INVENTORY_COLUMNS = frozenset(
    {
        "id",
        "name",
        "url",
        "category",
        "company_id",
        "company_name",
        "user_id",
        "date_added",
        "last_modified",
        "old",
        "parent_id",
    }
)
# The login name identifies an account but opens nothing alone. It is left out of the inventory
# but not masked, because masking common names such as "admin" would garble every other text.
PASSWORD_LOGIN_COLUMNS = frozenset({"username"})


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row: canonical column names to raw text, and where the row was read."""

    object_name: str
    file: str
    line: int
    values: dict[str, str]


@dataclass
class ObjectAccount:
    """The row accounting of one object: rows read = rows yielded + rows rejected."""

    rows_read: int = 0
    rows_yielded: int = 0
    rows_rejected: int = 0
    blank_lines: int = 0

    @property
    def balanced(self) -> bool:
        """Return True when every row read was yielded or rejected."""
        return self.rows_read == self.rows_yielded + self.rows_rejected


@dataclass
class ExportFile:
    """One CSV file of the export, with how it was decoded and its header."""

    entry: ExportEntry
    object_name: str
    recognised: bool
    encoding: EncodingReport | None = None
    delimiter: str = ","
    line_ending: str = "LF"
    layout: HeaderLayout | None = None


@dataclass
class ExportObject:
    """One object of the export and the file(s) it comes from.

    `row_filter` splits a shared file: clients may sit in the users file as group "Submitter".
    """

    name: str
    files: list[ExportFile] = field(default_factory=list)
    source: str = "file"
    row_filter: str | None = None


class ApiRowSource(Protocol):
    """The part of the Bluetrait API client the export uses to read objects from it."""

    def covered_files(self) -> list[str]: ...

    def rows_for_file(self, file_name: str) -> Iterator[dict[str, str]]: ...


class BluetraitExport:
    """A Bluetrait export (folder or ZIP): its objects, their rows, rejects and attachments."""

    def __init__(self, path: Path, *, reject_dir: Path | None = None) -> None:
        self.path = path
        self._source = ExportSource(path)
        self.rejects = RejectLog(reject_dir)
        self.accounts: dict[str, ObjectAccount] = {}
        self._objects: dict[str, ExportObject] = {}
        self.attachments: list[ExportEntry] = []
        self.other_files: list[ExportEntry] = []
        self._api: ApiRowSource | None = None
        self._sort_entries()

    def __enter__(self) -> BluetraitExport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close reject files and the archive."""
        self.rejects.close()
        self._source.close()

    @property
    def bytes_read(self) -> int:
        """Return the number of bytes of CSV read so far, for progress displays."""
        return self._source.counter.total

    @property
    def data_bytes(self) -> int:
        """Return the total size of the CSV files, in bytes."""
        return sum(file.entry.size for obj in self._objects.values() for file in obj.files)

    def _sort_entries(self) -> None:
        for entry in self._source.entries:
            if _is_data_file(entry):
                self._add_data_file(entry)
            elif entry.suffix == ".json" or entry.name.startswith("."):
                self.other_files.append(entry)
            else:
                self.attachments.append(entry)
        self._split_clients_from_users()

    def _add_data_file(self, entry: ExportEntry) -> None:
        object_name = object_for_file(entry.name)
        recognised = object_name is not None
        if object_name is None:
            object_name = normalise_header(entry.name.rsplit(".", 1)[0]) or "unnamed"
            logger.info(
                "File %s matches no known object; it is read as %r", entry.path, object_name
            )

        obj = self._objects.setdefault(object_name, ExportObject(object_name))
        obj.files.append(ExportFile(entry, object_name, recognised))

    def _split_clients_from_users(self) -> None:
        """Serve clients from the users file when no clients file exists."""
        users = self._objects.get("users")
        if users is None or "clients" in self._objects:
            return
        self._objects["clients"] = ExportObject(
            "clients", files=users.files, row_filter="submitters"
        )
        users.row_filter = "staff"

    def use_api(self, api: ApiRowSource, *, objects: Iterable[str] | None = None) -> list[str]:
        """Read the objects the Bluetrait API covers from it, and the rest from the files.

        `objects` limits which covered objects come from the API (all of them by default).
        Returns the names of the objects that now come from the API.
        """
        chosen = set(objects) if objects is not None else None
        switched = []
        for file_name in api.covered_files():
            name = object_for_file(file_name)
            if name is None or (chosen is not None and name not in chosen):
                continue
            obj = self._objects.setdefault(name, ExportObject(name))
            obj.source = "api"
            switched.append(name)
        self._api = api
        logger.info("Reading %s from the Bluetrait API", ", ".join(switched) or "nothing")
        return switched

    def objects(self) -> list[ExportObject]:
        """Return the objects found, known objects first in reference order."""
        order = {name: index for index, name in enumerate(OBJECTS)}
        return sorted(self._objects.values(), key=lambda obj: (order.get(obj.name, 99), obj.name))

    def get(self, object_name: str) -> ExportObject | None:
        """Return one object, or None when the export has no such object."""
        return self._objects.get(object_name)

    def iter_rows(self, object_name: str) -> Iterator[SourceRow]:
        """Yield the object's rows one at a time; rejects go to `rejects`, counts to `accounts`."""
        obj = self._objects.get(object_name)
        if obj is None:
            raise SourceError(
                f"the export at {self.path} has no {object_name!r} file",
                hint=f"Objects found: {', '.join(sorted(self._objects)) or 'none'}.",
            )

        account = ObjectAccount()
        self.accounts[object_name] = account
        if obj.source == "api" and self._api is not None:
            yield from self._iter_api(obj, account, self._api)
            return
        for export_file in obj.files:
            yield from self._iter_file(obj, export_file, account)

    def _iter_api(
        self, obj: ExportObject, account: ObjectAccount, api: ApiRowSource
    ) -> Iterator[SourceRow]:
        """Yield the API's rows of an object; each row counts as read and yielded."""
        file_name = f"{obj.name}.csv"
        for number, values in enumerate(api.rows_for_file(file_name), start=1):
            account.rows_read += 1
            account.rows_yielded += 1
            yield SourceRow(obj.name, f"api:{file_name}", number, dict(values))

    def _iter_file(
        self, obj: ExportObject, export_file: ExportFile, account: ObjectAccount
    ) -> Iterator[SourceRow]:
        with self._open_text(export_file) as text:
            reader = PhpCsvReader(text, export_file.delimiter)
            yield from self._iter_records(obj, export_file, account, iter(reader))

    def _iter_records(
        self,
        obj: ExportObject,
        export_file: ExportFile,
        account: ObjectAccount,
        records: Iterator[RawRecord],
    ) -> Iterator[SourceRow]:
        header = self._read_header(export_file, records)
        if header is None:
            return
        layout = export_file.layout = build_layout(export_file.object_name, header.fields)
        owns_rejects = obj.row_filter != "submitters"
        secret_names = secret_columns(obj.name, layout.names)

        for record in self._records(export_file, records, account, owns_rejects):
            if is_blank(record):
                account.blank_lines += 1
                continue

            values, reason = match_fields(layout, record.fields)
            if values is None:
                if owns_rejects:
                    account.rows_read += 1
                    self._reject(export_file, record.first_line, record.last_line, reason, record)
                    account.rows_rejected += 1
                continue
            if not _passes_filter(obj.row_filter, values):
                continue

            account.rows_read += 1
            for column in secret_names:
                register_secret(values.get(column))
            account.rows_yielded += 1
            yield SourceRow(obj.name, export_file.entry.path, record.first_line, values)

    def _records(
        self,
        export_file: ExportFile,
        records: Iterator[RawRecord],
        account: ObjectAccount,
        owns_rejects: bool,
    ) -> Iterator[RawRecord]:
        """Yield records; an unclosed quote rejects the rest of the file as one row."""
        try:
            yield from records
        except UnterminatedField as failure:
            if owns_rejects:
                account.rows_read += 1
                account.rows_rejected += 1
                reason = f"{failure}; the rest of the file is held in this one reject"
                self._reject(export_file, failure.first_line, failure.first_line, reason, None)

    def _open_text(self, export_file: ExportFile) -> io.TextIOWrapper:
        """Open the file as text in its detected encoding, after detecting its delimiter."""
        opener = self._source.opener(export_file.entry)
        if export_file.encoding is None:
            export_file.encoding = detect_encoding(opener)
        encoding = export_file.encoding.encoding

        with opener() as sample_stream:
            sample = sample_stream.read(DELIMITER_SAMPLE_CHARS * 4)
        sample_text = sample.decode(encoding, errors="replace")
        export_file.delimiter = detect_delimiter(sample_text)
        export_file.line_ending = _line_ending(sample_text)

        # PHP reads lines up to "\n" only. A file with old Mac "\r" line endings would read as one
        # huge header, so it is opened with universal newlines instead.
        newline = None if export_file.line_ending == "CR" else ""
        if newline is None:
            logger.warning("File %s ends its lines with CR only", export_file.entry.path)
        counted = self._source.opener(export_file.entry, counted=True)()
        return io.TextIOWrapper(counted, encoding=encoding, errors="replace", newline=newline)

    def _read_header(
        self, export_file: ExportFile, records: Iterator[RawRecord]
    ) -> RawRecord | None:
        for record in records:
            if not is_blank(record):
                return record
        logger.warning("File %s is empty: it has no header and no rows", export_file.entry.path)
        return None

    def _reject(
        self,
        export_file: ExportFile,
        first_line: int,
        last_line: int,
        reason: str,
        record: RawRecord | None,
    ) -> None:
        reject = Reject(
            export_file.object_name, export_file.entry.path, first_line, last_line, reason
        )
        self.rejects.add(reject, record.fields if record is not None else [])


def _line_ending(sample: str) -> str:
    """Return "CRLF", "LF" or "CR": how the sample ends its first line."""
    newline = sample.find("\n")
    if newline == -1:
        return "CR" if "\r" in sample else "LF"
    return "CRLF" if newline > 0 and sample[newline - 1] == "\r" else "LF"


def _is_data_file(entry: ExportEntry) -> bool:
    """Return True for a CSV of an object; files under an attachment folder are attachments."""
    folders = set(entry.path.split("/")[:-1])
    if entry.suffix not in DATA_SUFFIXES or folders & ATTACHMENT_FOLDERS:
        return False
    return entry.suffix != ".txt" or object_for_file(entry.name[: -len(".txt")]) is not None


def _passes_filter(row_filter: str | None, values: dict[str, str]) -> bool:
    if row_filter is None:
        return True
    return _is_submitter(values) == (row_filter == "submitters")


def _is_submitter(values: dict[str, str]) -> bool:
    group_name = values.get("group_name")
    if group_name is not None and group_name.strip():
        return group_name.strip().lower() == SUBMITTER_GROUP
    return values.get("group_id", "").strip() == SUBMITTER_GROUP_ID


def secret_columns(object_name: str, columns: Iterable[str]) -> list[str]:
    """Return the columns of an object whose values are secrets, never shown or written."""
    if object_name == "passwords":
        shown = PASSWORD_INVENTORY_COLUMNS | PASSWORD_LOGIN_COLUMNS
        return [name for name in columns if name not in shown]
    return [name for name in columns if name in SECRET_COLUMNS]


def open_export(path: Path, *, reject_dir: Path | None = None) -> BluetraitExport:
    """Open a Bluetrait export folder or ZIP; rejects are written under `reject_dir` if given."""
    return BluetraitExport(path, reject_dir=reject_dir)

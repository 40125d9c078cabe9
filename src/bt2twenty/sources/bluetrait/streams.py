"""The files of an export, from a folder or a ZIP, opened as counted byte streams."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from bt2twenty.errors import SourceError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportEntry:
    """One file of the export: its path inside the export (with ``/``) and its size in bytes."""

    path: str
    size: int

    @property
    def name(self) -> str:
        """Return the file name without folders."""
        return PurePosixPath(self.path).name

    @property
    def suffix(self) -> str:
        """Return the lower-case extension, with its dot."""
        return PurePosixPath(self.path).suffix.lower()


class ByteCounter:
    """A running total of bytes read from the export, for progress displays."""

    def __init__(self) -> None:
        self.total = 0


class _CountingStream(io.BufferedIOBase):
    """A read-only byte stream that adds every byte it returns to a `ByteCounter`."""

    def __init__(self, inner: BinaryIO, counter: ByteCounter) -> None:
        super().__init__()
        self._inner = inner
        self._counter = counter

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._inner.read(-1 if size is None else size)
        self._counter.total += len(data)
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def close(self) -> None:
        self._inner.close()
        super().close()


class ExportSource:
    """A folder or ZIP archive of export files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counter = ByteCounter()
        self._zip: zipfile.ZipFile | None = None
        self._zip_members: dict[str, zipfile.ZipInfo] = {}

        if path.is_dir():
            self.entries = self._folder_entries(path)
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self.entries = self._zip_entries(self._zip, self._zip_members)
        elif path.exists():
            raise SourceError(
                f"{path} is neither a folder nor a ZIP archive",
                hint="Point discover at the folder of CSV files, or at the ZIP Bluetrait produced.",
            )
        else:
            raise SourceError(
                f"{path} does not exist", hint="Check the path of the Bluetrait export."
            )

    @staticmethod
    def _folder_entries(root: Path) -> list[ExportEntry]:
        entries = []
        for file in sorted(root.rglob("*")):
            if file.is_file():
                entries.append(ExportEntry(file.relative_to(root).as_posix(), file.stat().st_size))
        return entries

    @staticmethod
    def _zip_entries(
        archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
    ) -> list[ExportEntry]:
        entries = []
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            name = _member_name(info)
            members[name] = info
            entries.append(ExportEntry(name, info.file_size))
        return sorted(entries, key=lambda entry: entry.path)

    def opener(self, entry: ExportEntry, *, counted: bool = False) -> Callable[[], BinaryIO]:
        """Return a function that opens `entry` for reading bytes."""

        def open_entry() -> BinaryIO:
            stream = self._open_raw(entry)
            if counted:
                return _CountingStream(stream, self.counter)  # type: ignore[return-value]
            return stream

        return open_entry

    def _open_raw(self, entry: ExportEntry) -> BinaryIO:
        try:
            if self._zip is not None:
                return self._zip.open(self._zip_members[entry.path])  # type: ignore[return-value]
            return (self.path / entry.path).open("rb")
        except (OSError, zipfile.BadZipFile) as failure:
            raise SourceError(
                f"cannot open {entry.path} in {self.path}: {failure}",
                hint="Check that the export is complete and readable.",
            ) from failure

    def close(self) -> None:
        """Close the ZIP archive, if one is open."""
        if self._zip is not None:
            self._zip.close()


def _member_name(info: zipfile.ZipInfo) -> str:
    """Return a member's name, reading UTF-8 names that lack the ZIP UTF-8 flag correctly.

    Without flag bit 11 the ZIP format specifies CP437 names, and `zipfile` decodes them so. Tools
    such as Info-ZIP on Linux write UTF-8 names without the flag, so "Quote – signed.pdf" would
    read as mojibake and no longer match the attachment paths in the CSV files.
    """
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename

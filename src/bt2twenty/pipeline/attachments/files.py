"""Attachment files of an export: found by a row's path, size-checked, read and hashed."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from bt2twenty.sources.bluetrait.export import BluetraitExport

logger = logging.getLogger(__name__)

# Twenty's multipart upload limit (`settings.storage.maxFileSize`, 100 MB in Twenty 1.x and 2.x).
TWENTY_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024

# File categories of Twenty's attachment `fileCategory` SELECT, by file extension.
# NOTE: the extension lists follow the categories' names; Twenty's own list was not checked.
_CATEGORY_BY_EXTENSION = {
    "ARCHIVE": {"zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "rar", "iso"},
    "AUDIO": {"mp3", "wav", "ogg", "m4a", "flac", "aac", "wma"},
    "IMAGE": {"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "svg", "heic", "ico"},
    "PRESENTATION": {"ppt", "pptx", "odp", "key"},
    "SPREADSHEET": {"xls", "xlsx", "xlsm", "csv", "ods", "numbers", "tsv"},
    "TEXT_DOCUMENT": {"doc", "docx", "odt", "rtf", "txt", "pdf", "md", "log", "eml", "msg"},
    "VIDEO": {"mp4", "avi", "mov", "mkv", "wmv", "webm", "m4v"},
}
_CATEGORY_BY_MIME_PREFIX = {
    "image/": "IMAGE",
    "audio/": "AUDIO",
    "video/": "VIDEO",
    "text/": "TEXT_DOCUMENT",
}
DEFAULT_CATEGORY = "OTHER"


@dataclass(frozen=True)
class FileDigest:
    """A file's SHA-256 (hex) and size in bytes."""

    sha256: str
    size: int

    @classmethod
    def of(cls, content: bytes) -> FileDigest:
        return cls(hashlib.sha256(content).hexdigest(), len(content))

    @property
    def journal_hash(self) -> str:
        """The id map's payload hash of an attachment: its file's checksum and size."""
        return f"sha256={self.sha256};size={self.size}"


@dataclass(frozen=True)
class SourceFile:
    """An attachment file read from the export."""

    path: str
    content: bytes
    digest: FileDigest


class FileProblem(Exception):
    """An attachment file that cannot be uploaded, with the reason a person can act on."""


class AttachmentFiles:
    """Reads attachment files from an export, refusing the ones above the upload limit."""

    def __init__(
        self, export: BluetraitExport, *, max_bytes: int = TWENTY_UPLOAD_LIMIT_BYTES
    ) -> None:
        self.export = export
        self.max_bytes = max_bytes

    def read(self, path: str) -> SourceFile:
        """Return the file a row's `path` names; raises `FileProblem` if it cannot be uploaded."""
        wanted = path.strip()
        if not wanted:
            raise FileProblem("the row names no file (its path is empty); fill in the path")
        entry = self.export.attachment(wanted)
        if entry is None:
            raise FileProblem(
                f"file {wanted} is not in the export at {self.export.path}; add it under the "
                "export's files folder (or fix the path in the row), then run again"
            )
        if entry.size > self.max_bytes:
            raise FileProblem(
                f"file {wanted} is {entry.size:,} bytes, above the upload limit of "
                f"{self.max_bytes:,} bytes (setting attachment_max_bytes; Twenty accepts "
                f"{TWENTY_UPLOAD_LIMIT_BYTES:,} bytes per multipart upload); attach it in "
                "Twenty by hand, or raise the limit if the server accepts larger files"
            )
        content = self.export.read_attachment(entry)
        return SourceFile(entry.path, content, FileDigest.of(content))


def display_name(name: str, path: str) -> str:
    """Return the attachment's name as the user saw it, in Unicode NFC.

    Without a name the file name is used, less the ``<id>-`` prefix exports put before it.
    """
    chosen = name.strip()
    if not chosen:
        chosen = PurePosixPath(path.strip().replace("\\", "/")).name
        prefix, _, rest = chosen.partition("-")
        if prefix.isdigit() and rest:
            chosen = rest
    return unicodedata.normalize("NFC", chosen)


def file_category(mime_type: str, file_name: str) -> str:
    """Return the `fileCategory` value of a file, by its extension, else by its MIME type."""
    extension = PurePosixPath(file_name).suffix.lower().removeprefix(".")
    for category, extensions in _CATEGORY_BY_EXTENSION.items():
        if extension in extensions:
            return category
    mime = mime_type.strip().lower()
    for prefix, category in _CATEGORY_BY_MIME_PREFIX.items():
        if mime.startswith(prefix):
            return category
    if "pdf" in mime or "word" in mime:
        return "TEXT_DOCUMENT"
    if "spreadsheet" in mime or "excel" in mime:
        return "SPREADSHEET"
    if "presentation" in mime or "powerpoint" in mime:
        return "PRESENTATION"
    if "zip" in mime or "compressed" in mime:
        return "ARCHIVE"
    return DEFAULT_CATEGORY

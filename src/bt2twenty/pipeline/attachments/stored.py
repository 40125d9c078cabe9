"""Read an attachment's bytes back from Twenty, by the path or file its record holds."""

from __future__ import annotations

import logging
from typing import Any

from bt2twenty.twenty import TwentyClient

logger = logging.getLogger(__name__)


def file_location(record: dict[str, Any], *, era: str) -> str | None:
    """Return where the record's file downloads from, or None if the record has no file.

    1.x records keep the storage path of `uploadFile` in `fullPath`, served under `/files/`.
    2.x records keep `[{fileId, label}]` in the FILES field `file`; Twenty adds a signed
    download `url` to each item it returns, and `/files-field/<fileId>` is its route.
    """
    if era == "v1":
        # NOTE: only run against the stand-in, which authenticates `/files/` by the API key;
        # a real 1.x server may ask for a signed token instead.
        path = record.get("fullPath")
        if not isinstance(path, str) or not path:
            return None
        return path if "://" in path else f"/files/{path.lstrip('/')}"
    files = record.get("file")
    if not isinstance(files, list) or not files or not isinstance(files[0], dict):
        return None
    first = files[0]
    url = first.get("url")
    if isinstance(url, str) and url:
        return url
    file_id = first.get("fileId")
    return f"/files-field/{file_id}" if isinstance(file_id, str) and file_id else None


def download_attachment(client: TwentyClient, record: dict[str, Any], *, era: str) -> bytes | None:
    """Return the bytes of the record's file, or None if the record has no file.

    Raises `TwentyNotFoundError` when the server has no file at the record's location.
    """
    location = file_location(record, era=era)
    if location is None:
        return None
    return client.download_file(location)

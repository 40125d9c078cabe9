"""Attachments: upload the export's files, link them to their tickets, and verify them.

- `AttachmentLoader` loads one attachment source object inside a load run; `load.py` uses it
  for every object whose mapping has a `file_upload` or `attachment_target` column.
- `AttachmentFiles` finds a row's file in the export and refuses files above the upload limit.
- `verify_attachments(client, journal, export)` downloads every attachment the migration
  created and returns an `AttachmentCheck` per record (ok, missing, size or checksum
  mismatch), with the expected and the stored size and SHA-256.
"""

from __future__ import annotations

from bt2twenty.pipeline.attachments.files import (
    TWENTY_UPLOAD_LIMIT_BYTES,
    AttachmentFiles,
    FileDigest,
    file_category,
)
from bt2twenty.pipeline.attachments.loader import AttachmentLoader, is_attachment_object
from bt2twenty.pipeline.attachments.verify import (
    AttachmentCheck,
    AttachmentStatus,
    verify_attachments,
)

__all__ = [
    "TWENTY_UPLOAD_LIMIT_BYTES",
    "AttachmentCheck",
    "AttachmentFiles",
    "AttachmentLoader",
    "AttachmentStatus",
    "FileDigest",
    "file_category",
    "is_attachment_object",
    "verify_attachments",
]

"""Bluetrait: the export reader, the RPC API client, discovery and sample exports.

The export reader's public interface::

    with open_export(Path("export.zip"), reject_dir=Path("out/rejects")) as export:
        for obj in export.objects():          # ExportObject: name, files, source
            for row in export.iter_rows(obj.name):
                row.values["date_added"]      # raw text under canonical column names
                row.file, row.line            # where the row was read
            export.accounts[obj.name]         # rows read = rows yielded + rows rejected
        export.rejects                        # RejectLog: counts, samples, reject file paths

Rows are streamed one at a time. Values stay raw text; `parse_date_value` reads a date with the
order `DateColumnEvidence.decide` chose for its column.

Discovery reads a whole export once and writes its profile and scope document::

    profile = discover(Path("export.zip"), Path("out"), options=DiscoverOptions(batch_size=60))
    profile.document["objects"]               # the content of out/source-profile.json
"""

from __future__ import annotations

from bt2twenty.sources.bluetrait.csvformat import PhpCsvReader, RawRecord, detect_delimiter
from bt2twenty.sources.bluetrait.dates import (
    DateColumnEvidence,
    DateDecision,
    DateOrder,
    parse_date_value,
)
from bt2twenty.sources.bluetrait.discovery import DiscoverOptions, SourceProfile, discover
from bt2twenty.sources.bluetrait.encoding import EncodingReport, detect_encoding, find_mojibake
from bt2twenty.sources.bluetrait.export import (
    BluetraitExport,
    ExportFile,
    ExportObject,
    ObjectAccount,
    SourceRow,
    open_export,
)
from bt2twenty.sources.bluetrait.rejects import Reject, RejectLog

__all__ = [
    "BluetraitExport",
    "DateColumnEvidence",
    "DateDecision",
    "DateOrder",
    "DiscoverOptions",
    "EncodingReport",
    "ExportFile",
    "ExportObject",
    "ObjectAccount",
    "PhpCsvReader",
    "RawRecord",
    "Reject",
    "RejectLog",
    "SourceProfile",
    "SourceRow",
    "detect_delimiter",
    "detect_encoding",
    "discover",
    "find_mojibake",
    "open_export",
    "parse_date_value",
]

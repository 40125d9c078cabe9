"""Detect a file's text encoding, and find text already mangled by an old encoding round trip."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

logger = logging.getLogger(__name__)

UTF8_BOM = codecs.BOM_UTF8
SCAN_CHUNK_BYTES = 1 << 20
DETECTION_SAMPLE_BYTES = 4 << 20
FALLBACK_ENCODING = "cp1252"


@dataclass(frozen=True, slots=True)
class EncodingReport:
    """The encoding chosen for a file, and the detection's confidence (0 to 1)."""

    encoding: str
    bom: bool
    confidence: float
    method: str

    def as_dict(self) -> dict[str, object]:
        """Return the report as plain JSON values."""
        return {
            "encoding": self.encoding,
            "bom": self.bom,
            "confidence": round(self.confidence, 3),
            "method": self.method,
        }


def detect_encoding(open_binary: Callable[[], BinaryIO]) -> EncodingReport:
    """Decide the encoding of the bytes `open_binary` returns.

    A UTF-8 byte order mark decides at once. Otherwise the whole file is checked as strict
    UTF-8, chunk by chunk, because one Windows-1252 byte far down a file is enough to break a
    UTF-8 read. Only when that check fails is charset-normalizer asked, on the first few
    megabytes, and its confidence (one minus its "chaos" measure) is reported.
    """
    with open_binary() as stream:
        head = stream.read(len(UTF8_BOM))
        if head == UTF8_BOM:
            return EncodingReport("utf-8-sig", True, 1.0, "byte order mark")

        if _is_utf8(head, stream):
            return EncodingReport("utf-8", False, 1.0, "strict UTF-8 check")

    with open_binary() as stream:
        sample = stream.read(DETECTION_SAMPLE_BYTES)
    return _detect_legacy(sample)


def _is_utf8(head: bytes, stream: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        decoder.decode(head)
        while chunk := stream.read(SCAN_CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_legacy(sample: bytes) -> EncodingReport:
    matches = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman"])
    best = matches.best()
    if best is None:
        logger.info("charset-normalizer found no match; decoding as %s", FALLBACK_ENCODING)
        return EncodingReport(FALLBACK_ENCODING, False, 0.0, "fallback")

    encoding = codecs.lookup(best.encoding).name
    if encoding in {"latin-1", "iso8859-1", "iso8859-15", "ascii", "utf-8"}:
        # Windows-1252 is a superset of Latin-1 for printable text, and Excel writes it. ASCII
        # or UTF-8 here means the sample missed the bytes that failed the strict UTF-8 check.
        encoding = FALLBACK_ENCODING
    confidence = max(0.0, 1.0 - float(best.chaos))
    return EncodingReport(encoding, False, confidence, "charset-normalizer")


@dataclass(frozen=True, slots=True)
class MojibakeFinding:
    """A value that looks mangled by an encoding round trip, and the repair ftfy proposes."""

    value: str
    proposed: str


def find_mojibake(value: str) -> MojibakeFinding | None:
    """Return a proposed repair when `value` reads like mojibake ("CafÃ©"), else None.

    The value is never changed here: the finding goes into the source profile, and the mapping
    step decides whether the repair is applied.
    """
    if value.isascii() or not is_bad(value):
        return None

    proposed = ftfy.fix_encoding(value)
    if proposed == value:
        return None
    return MojibakeFinding(value, proposed)

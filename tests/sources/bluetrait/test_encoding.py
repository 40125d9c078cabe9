"""Encoding detection and mojibake findings."""

from __future__ import annotations

import io

from bt2twenty.sources.bluetrait.encoding import detect_encoding, find_mojibake


def _opener(data: bytes):  # type: ignore[no-untyped-def]
    return lambda: io.BytesIO(data)


def test_plain_utf8() -> None:
    report = detect_encoding(_opener("id,name\n1,Zoë\n".encode()))
    assert report.encoding == "utf-8"
    assert not report.bom


def test_late_cp1252_byte_breaks_utf8() -> None:
    data = b"id,name\n" + b"1,plain ascii\n" * 300_000 + b"2,Caf\xe9 \x93quoted\x94\n"
    report = detect_encoding(_opener(data))
    assert report.encoding == "cp1252"
    assert report.method == "charset-normalizer"


def test_mojibake_flagged_with_repair() -> None:
    finding = find_mojibake("CafÃ© BrulÃ©e Pty Ltd")
    assert finding is not None
    assert finding.proposed == "Café Brulée Pty Ltd"


def test_clean_text_not_flagged() -> None:
    assert find_mojibake("Café – Zoë’s office") is None
    assert find_mojibake("plain ascii") is None

"""Clean source text: trim it, drop control characters and detect encoding damage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

from bt2twenty.transform.result import Problem, flag

# Every C0 and C1 control character except tab, line feed and carriage return.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Sequences that UTF-8 text turns into when it is decoded as Windows-1252 or Latin-1:
# "Ã©" for "é", "â€™" for "’", "Â " for a no-break space.
_MOJIBAKE_SEQUENCES = re.compile(
    r"Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]"
    r"|â€|Â[\u00a0-\u00bf]"
)


@dataclass(frozen=True)
class CleanText:
    """Source text after cleaning, with the problems found."""

    text: str
    problems: tuple[Problem, ...]


def remove_control_characters(text: str) -> str:
    """Return `text` without control characters; tab and line breaks stay."""
    return _CONTROL_CHARACTERS.sub("", text)


def has_mojibake(text: str) -> bool:
    """Return whether `text` looks like UTF-8 decoded with a legacy encoding."""
    return bool(_MOJIBAKE_SEQUENCES.search(text)) or is_bad(text)


def repair_mojibake(text: str) -> str:
    """Return `text` with encoding damage undone where ftfy can undo it."""
    return ftfy.fix_encoding(text)


def check_encoding(text: str, *, field_label: str, repair: bool) -> CleanText:
    """Detect encoding damage in `text` and repair it when `repair` is on.

    Damage is flagged either way, so a person can confirm the repair or fix the source.
    """
    if not has_mojibake(text):
        return CleanText(text=text, problems=())

    repaired = repair_mojibake(text)
    if not repair:
        message = (
            f"{field_label} {text!r} looks like text damaged by a wrong encoding"
            f" (it may have been {repaired!r}); fix it in the source or turn on text repair."
        )
        return CleanText(text=text, problems=(flag("MOJIBAKE_DETECTED", message),))

    if repaired == text:
        message = (
            f"{field_label} {text!r} looks like text damaged by a wrong encoding and"
            " could not be repaired automatically; fix it in the source."
        )
        return CleanText(text=text, problems=(flag("MOJIBAKE_UNREPAIRED", message),))

    message = (
        f"{field_label} {text!r} was damaged by a wrong encoding and was repaired to"
        f" {repaired!r}; check the repair."
    )
    return CleanText(text=repaired, problems=(flag("MOJIBAKE_REPAIRED", message),))


def clean_text(text: str, *, field_label: str, repair: bool) -> CleanText:
    """Normalise `text` to NFC, check its encoding, then drop control characters and trim.

    The encoding check runs first because Latin-1 mojibake contains C1 control characters
    that the repair needs.
    """
    text = unicodedata.normalize("NFC", text)
    checked = check_encoding(text, field_label=field_label, repair=repair)

    cleaned = remove_control_characters(checked.text).strip()
    return CleanText(text=cleaned, problems=checked.problems)

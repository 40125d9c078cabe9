"""Turn a source cell of any scalar type into text, the common input of the converters."""

from __future__ import annotations

import re
from decimal import Decimal

from bt2twenty.transform.parameters import SourceValue


def source_text(raw: SourceValue) -> str:
    """Return the source cell as text; `None` becomes the empty string."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, Decimal):
        return format(raw, "f")
    return str(raw)


def split_list(text: str, separators: str) -> list[str]:
    """Split `text` on any of `separators`, trim the parts and drop the empty ones."""
    if not separators:
        return [text.strip()] if text.strip() else []

    pattern = "[" + re.escape(separators) + "]"
    parts = (part.strip() for part in re.split(pattern, text))
    return [part for part in parts if part]

"""Build Twenty SELECT and MULTI_SELECT options from source labels: values, labels, colours."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Twenty's rule for an option value (`isSnakeCaseString` in twenty-server): upper-case
# words of letters and digits joined by single underscores, starting with a letter.
OPTION_VALUE_PATTERN = re.compile(r"^(?!.*__)[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
MAX_OPTION_LENGTH = 63

# Twenty's tag colours, in the order of `TAG_COLORS` in twenty-shared (read at commit
# 5b213849), which is also the order options receive them in.
TAG_COLORS = (
    "red", "ruby", "crimson", "tomato", "orange", "amber", "yellow", "lime", "grass",
    "green", "jade", "mint", "turquoise", "cyan", "sky", "blue", "iris", "violet",
    "purple", "plum", "pink", "bronze", "gold", "brown", "gray",
)  # fmt: skip

# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATIONS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d",
     "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i",
     "&": " and ", "+": " plus ", "%": " percent ", "#": " number "}
)  # fmt: skip

_NON_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")
_WHITESPACE = re.compile(r"\s+")
_DIGIT_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


@dataclass(frozen=True)
class SelectOption:
    """One option as Twenty's metadata API takes it."""

    value: str
    label: str
    color: str
    position: int


def to_ascii(text: str) -> str:
    """Transliterate `text` to ASCII; letters with no ASCII form are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATIONS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def truncate_value(value: str, maximum: int) -> str:
    """Cut an option value to `maximum` characters without leaving a trailing underscore."""
    return value[:maximum].rstrip("_")


def option_value(label: str) -> str:
    """Turn a label into an UPPER_SNAKE option value of at most 63 characters.

    "Waiting on Customer - 3rd party" becomes `WAITING_ON_CUSTOMER_3RD_PARTY`; a value that
    would start with a digit gets an `OPTION_` prefix, and an empty one becomes `OPTION`.
    """
    words = _NON_ALPHANUMERIC.sub("_", to_ascii(label).upper()).strip("_")
    if not words:
        return "OPTION"
    if not words[0].isalpha():
        words = "OPTION_" + words
    return truncate_value(words, MAX_OPTION_LENGTH)


def option_label(label: str) -> str:
    """Make a label Twenty accepts: no commas, single spaces, at most 63 characters."""
    text = _DIGIT_GROUP_COMMA.sub("", label)
    text = text.replace(",", " -")
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > MAX_OPTION_LENGTH:
        text = text[: MAX_OPTION_LENGTH - 1].rstrip() + "…"
    return text or "Option"


def unique_value(value: str, taken: set[str]) -> str:
    """Return `value`, or `value_2`, `value_3`, … cut to fit 63 characters, not yet in `taken`."""
    if value not in taken:
        return value
    number = 2
    while True:
        suffix = f"_{number}"
        candidate = truncate_value(value, MAX_OPTION_LENGTH - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1


def unique_label(label: str, taken: set[str]) -> str:
    """Return `label`, or `label (2)`, `label (3)`, … cut to fit, not yet in `taken` (any case)."""
    if label.casefold() not in taken:
        return label
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = label[: MAX_OPTION_LENGTH - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
        number += 1


def build_options(labels: Iterable[str]) -> list[SelectOption]:
    """Build one option per distinct source label, in order, with unique values and labels.

    Colours follow Twenty's palette in option order, so the same label list always gets
    the same colours and up to 25 options all differ.
    """
    options: list[SelectOption] = []
    values: set[str] = set()
    seen_labels: set[str] = set()
    sources: set[str] = set()

    for source_label in labels:
        key = source_label.strip()
        if not key or key in sources:
            continue
        sources.add(key)

        value = unique_value(option_value(key), values)
        label = unique_label(option_label(key), seen_labels)
        values.add(value)
        seen_labels.add(label.casefold())

        position = len(options)
        color = TAG_COLORS[position % len(TAG_COLORS)]
        options.append(SelectOption(value=value, label=label, color=color, position=position))
    return options


def value_map_for(labels: Iterable[str]) -> dict[str, str]:
    """Map each distinct source label to the option value `build_options` gives it."""
    distinct = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    return {
        label: option.value for label, option in zip(distinct, build_options(distinct), strict=True)
    }

"""Per-column value profiles in bounded memory: fill rate, inferred type, distinct values."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.sources.bluetrait.dates import DateColumnEvidence, DateKind, DateOrder, classify
from bt2twenty.sources.bluetrait.discovery import values as kinds
from bt2twenty.sources.bluetrait.encoding import MojibakeFinding, find_mojibake

logger = logging.getLogger(__name__)

DISTINCT_CAP = 200
"""Distinct values tracked per column; past this the column counts as high-cardinality."""
LOW_CARDINALITY = 30
"""Columns with at most this many distinct values list them in the profile."""
MAX_EXAMPLES = 3
MATCH_CACHE_SIZE = 256
"""Values per column whose type matches are remembered, so repeated values are classified once."""
MAX_TRACKED_LENGTH = 200
"""Longer values are neither cached nor counted as distinct values, to bound memory."""
TYPE_THRESHOLD = 0.9
"""Share of filled values that must match a type for the column to get that type."""
HTML_THRESHOLD = 0.2
TAG_COLUMNS = frozenset({"tags", "labels", "tag"})
DATE_NAME = re.compile(r"date|_at$|^at_|time|expires|last_seen|last_login|added|modified|due")
TAG_SPLIT = re.compile(r"\s*[;,|]\s*")


@dataclass(frozen=True, slots=True)
class _Observation:
    """The classification of one distinct value: types, date shape and any mojibake finding."""

    matched: tuple[str, ...]
    date_kind: DateKind | None
    multi_email: bool
    mojibake: MojibakeFinding | None


@dataclass
class ColumnProfile:
    """The profile of one column, built value by value with bounded state.

    A secret column (a password) keeps counts only: no examples and no distinct values.
    """

    name: str
    header: str
    known: bool
    secret: bool = False
    filled: int = 0
    max_length: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)
    distinct_overflow: bool = False
    examples: list[str] = field(default_factory=list)
    dates: DateColumnEvidence = field(default_factory=DateColumnEvidence)
    multi_email_cells: int = 0
    mojibake: int = 0
    mojibake_examples: list[dict[str, str]] = field(default_factory=list)
    _observations: dict[str, _Observation] = field(default_factory=dict, repr=False)
    _is_tags: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self._is_tags = self.name in TAG_COLUMNS

    def add(self, value: str) -> None:
        """Profile one raw value of the column."""
        if value == "" or value.isspace():
            return
        self.filled += 1
        if len(value) > self.max_length:
            self.max_length = len(value)
        if self.secret:
            return

        if self._is_tags:
            for part in TAG_SPLIT.split(value):
                self._count_distinct(part)
        elif value in self.distinct:
            self.distinct[value] += 1
        else:
            self._count_distinct(value)
        if len(self.examples) < MAX_EXAMPLES:
            example = value[:MAX_TRACKED_LENGTH]
            if example not in self.examples:
                self.examples.append(example)

        observation = self._observations.get(value)
        if observation is None:
            observation = self._observe(value)
        matches = self.matches
        for kind in observation.matched:
            matches[kind] = matches.get(kind, 0) + 1
        if observation.date_kind is not None or observation.multi_email or observation.mojibake:
            self._apply_rare(value, observation)

    def _count_distinct(self, part: str) -> None:
        if part in self.distinct:
            self.distinct[part] += 1
        elif len(part) > MAX_TRACKED_LENGTH or len(self.distinct) >= DISTINCT_CAP:
            self.distinct_overflow = True
        else:
            self.distinct[part] = 1

    def _observe(self, value: str) -> _Observation:
        """Classify a value not seen before; short values are remembered for their repeats."""
        matched, date_kind = self._classify(value)
        multi_email = "email" in matched and len(kinds.emails_in(value)) > 1
        observation = _Observation(matched, date_kind, multi_email, find_mojibake(value))
        if len(self._observations) < MATCH_CACHE_SIZE and len(value) <= MAX_TRACKED_LENGTH:
            self._observations[value] = observation
        return observation

    def _apply_rare(self, value: str, observation: _Observation) -> None:
        """Record the parts of an observation most values lack: dates, email lists, mojibake."""
        if observation.date_kind is not None:
            self.dates.add(value.strip(), observation.date_kind)
        if observation.multi_email:
            self.multi_email_cells += 1
        if observation.mojibake is not None:
            self._add_mojibake(observation.mojibake)

    def _classify(self, value: str) -> tuple[tuple[str, ...], DateKind | None]:
        text = value.strip()
        matched: list[str] = []
        if kinds.is_integer(text):
            matched.append("integer")
        if kinds.is_boolean(text):
            matched.append("boolean")
        if kinds.is_decimal(text):
            matched.append("decimal")
        if kinds.is_money(text):
            matched.append("money")
        date_kind = classify(text, allow_serial=DATE_NAME.search(self.name) is not None)
        if date_kind is not None:
            matched.append("date")
        if "@" in text and kinds.is_email_cell(text):
            matched.append("email")
        if kinds.is_phone(text):
            matched.append("phone")
        if "." in text and kinds.is_url(text):
            matched.append("url")
        if ("<" in text or "&" in text) and kinds.has_html(text):
            matched.append("html")
        if kinds.is_excel_damaged(self.name, text):
            matched.append("excel_damage")
        return tuple(matched), date_kind

    def _add_mojibake(self, finding: MojibakeFinding) -> None:
        self.mojibake += 1
        value = finding.value[:MAX_TRACKED_LENGTH]
        seen = any(example["value"] == value for example in self.mojibake_examples)
        if not seen and len(self.mojibake_examples) < MAX_EXAMPLES:
            self.mojibake_examples.append(
                {"value": value, "proposed": finding.proposed[:MAX_TRACKED_LENGTH]}
            )

    def share(self, kind: str) -> float:
        """Return the share of filled values that match `kind`."""
        return self.matches.get(kind, 0) / self.filled if self.filled else 0.0

    def inferred_type(self) -> str:
        """Return the column's type: the most specific one most of its values fit."""
        if self.secret:
            return "secret"
        if not self.filled:
            return "empty"
        if (self.name == "id" or self.name.endswith("_id")) and self.share(
            "integer"
        ) >= TYPE_THRESHOLD:
            return "id_reference" if self.name != "id" else "id"
        if self.share("date") >= TYPE_THRESHOLD:
            return "datetime" if self.dates.with_time else "date"
        if (
            self.share("boolean") == 1.0
            and set(map(str.lower, self.distinct)) <= kinds.BOOLEAN_VALUES
        ):
            return "boolean"
        if self.share("integer") >= TYPE_THRESHOLD:
            return "integer"
        if self.share("money") >= TYPE_THRESHOLD and kinds.is_money_name(self.name):
            return "money"
        if self.share("decimal") >= TYPE_THRESHOLD:
            return "decimal"
        return self._text_type()

    def _text_type(self) -> str:
        for kind in ("email", "url", "phone"):
            if kind == "phone" and not kinds.is_phone_name(self.name):
                continue
            if self.share(kind) >= TYPE_THRESHOLD:
                return kind
        if self.share("html") >= HTML_THRESHOLD:
            return "html"
        return "text"

    def as_dict(self, rows: int, default_order: DateOrder) -> dict[str, Any]:
        """Return the profile as JSON values; `rows` is the object's row count."""
        column_type = self.inferred_type()
        result: dict[str, Any] = {
            "name": self.name,
            "header": self.header,
            "known": self.known,
            "type": column_type,
            "filled": self.filled,
            "fill_rate": round(self.filled / rows, 4) if rows else 0.0,
            "max_length": self.max_length,
        }
        if self.secret:
            result["secret"] = True
            return result

        result["type_confidence"] = round(self._confidence(column_type), 3)
        result["examples"] = list(self.examples)
        if self._is_low_cardinality(column_type):
            result["distinct_values"] = dict(
                sorted(self.distinct.items(), key=lambda item: (-item[1], item[0]))
            )
        result["distinct_count"] = None if self.distinct_overflow else len(self.distinct)
        if column_type in {"date", "datetime"}:
            result["dates"] = self._dates_dict(default_order)
        if self.multi_email_cells:
            result["multi_email_cells"] = self.multi_email_cells
        if self.matches.get("excel_damage"):
            result["excel_damage"] = self.matches["excel_damage"]
        if self.mojibake:
            result["mojibake"] = {"count": self.mojibake, "examples": self.mojibake_examples}
        return result

    def _confidence(self, column_type: str) -> float:
        key = {"id": "integer", "id_reference": "integer", "datetime": "date"}.get(
            column_type, column_type
        )
        return self.share(key) if key in self.matches else 1.0

    def _is_low_cardinality(self, column_type: str) -> bool:
        if self.distinct_overflow or len(self.distinct) > LOW_CARDINALITY:
            return False
        return column_type in {"text", "boolean", "integer"} and self.name != "id"

    def _dates_dict(self, default_order: DateOrder) -> dict[str, Any]:
        decision = self.dates.decide(default_order)
        return {
            "order": decision.order.value,
            "ambiguous": decision.ambiguous,
            "conflict": decision.conflict,
            "reason": decision.reason,
            "formats": dict(self.dates.kinds),
            "with_time": self.dates.with_time,
            "zero_dates": self.dates.zero_dates,
        }

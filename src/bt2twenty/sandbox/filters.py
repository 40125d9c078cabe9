"""Twenty's REST `filter` and `order_by` syntax, translated to SQLite over JSON records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bt2twenty.sandbox.errors import bad_request
from bt2twenty.sandbox.schema import COMPOSITE_SUBFIELDS, FieldMeta, ObjectMeta, composite_kind

COMPARATORS = (
    "eq",
    "neq",
    "in",
    "containsAny",
    "is",
    "gt",
    "gte",
    "lt",
    "lte",
    "startsWith",
    "endsWith",
    "like",
    "ilike",
)
CONJUNCTIONS = ("and", "or", "not")
DIRECTIONS = ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast")
_NUMERIC_TYPES = {"NUMBER", "NUMERIC", "POSITION", "RATING_NUMBER"}


@dataclass(frozen=True)
class Column:
    """A filterable or sortable value of a record: its SQL expression and type."""

    sql: str
    field_type: str
    field: FieldMeta | None = None

    @property
    def is_deleted_at(self) -> bool:
        """Whether this is the `deletedAt` column, which lifts the soft-delete exclusion."""
        return self.sql == "deleted_at"


def resolve_column(meta: ObjectMeta, path: str, *, parameter: str) -> Column:
    """Map a field path such as ``emails.primaryEmail`` to its SQL expression."""
    name, _, sub = path.partition(".")
    if path == "id":
        return Column("id", "UUID")
    if path == "deletedAt":
        return Column("deleted_at", "DATE_TIME")
    if name in meta.join_columns() and not sub:
        return Column(f"json_extract(data, '$.{name}')", "UUID")
    field = meta.field_named(name)
    if field is None or field.type in ("RELATION", "TS_VECTOR"):
        raise bad_request(
            f"'{parameter}' invalid: field '{name}' does not exist in '{meta.name_singular}' object"
        )
    kind = composite_kind(field.type)
    if kind is None:
        if sub:
            raise bad_request(f"'{parameter}' invalid: field '{name}' has no sub-field '{sub}'")
        return Column(f"json_extract(data, '$.{name}')", field.type, field)
    if not sub:
        raise bad_request(
            f"'{parameter}' invalid: composite field '{name}' needs a sub-field, "
            f"one of {', '.join(COMPOSITE_SUBFIELDS[kind])}"
        )
    sub_kind = COMPOSITE_SUBFIELDS[kind].get(sub)
    if sub_kind is None:
        raise bad_request(f"'{parameter}' invalid: field '{name}' has no sub-field '{sub}'")
    return Column(
        f"json_extract(data, '$.{name}.{sub}')", "NUMBER" if sub_kind == "number" else "TEXT"
    )


class FilterParser:
    """Parse one `filter` string into a SQL condition and its parameters."""

    def __init__(self, meta: ObjectMeta, text: str) -> None:
        self.meta = meta
        self.text = text
        self.position = 0
        self.parameters: list[Any] = []
        self.mentions_deleted_at = False

    def parse(self) -> str:
        """Return the SQL condition; a bare list of conditions is joined with AND."""
        parts = self._split(self.text.strip())
        conditions = [self._condition(part) for part in parts]
        return "(" + " AND ".join(conditions) + ")"

    def _invalid(self, fragment: str) -> Exception:
        return bad_request(f"'filter' invalid for '{fragment}'. eg: price[gte]:10")

    def _split(self, text: str) -> list[str]:
        parts: list[str] = []
        depth = 0
        quote: str | None = None
        start = 0
        for index, char in enumerate(text):
            if quote:
                if char == quote:
                    quote = None
                continue
            if char in "\"'" and (index == 0 or text[index - 1] in ":[,"):
                quote = char
            elif char in "([":
                depth += 1
            elif char in ")]":
                depth -= 1
            elif char == "," and depth == 0:
                parts.append(text[start:index].strip())
                start = index + 1
        parts.append(text[start:].strip())
        if depth != 0 or any(not part for part in parts):
            raise self._invalid(text)
        return parts

    def _condition(self, text: str) -> str:
        for conjunction in CONJUNCTIONS:
            if text.startswith(conjunction + "(") and text.endswith(")"):
                inner = [
                    self._condition(part) for part in self._split(text[len(conjunction) + 1 : -1])
                ]
                if conjunction == "not":
                    return "(NOT (" + " AND ".join(inner) + "))"
                return "(" + f" {conjunction.upper()} ".join(inner) + ")"
        return self._leaf(text)

    def _leaf(self, text: str) -> str:
        bracket = text.find("[")
        close = text.find("]:")
        if bracket <= 0 or close < bracket:
            raise self._invalid(text)
        path = text[:bracket]
        comparator = text[bracket + 1 : close]
        raw_value = text[close + 2 :]
        if comparator not in COMPARATORS:
            raise bad_request(
                f"'filter' invalid for '{text}', comparator '{comparator}' is not one of "
                f"{', '.join(COMPARATORS)}"
            )
        column = resolve_column(self.meta, path, parameter="filter")
        if column.is_deleted_at:
            self.mentions_deleted_at = True
        return self._comparison(column, comparator, raw_value, text)

    def _comparison(self, column: Column, comparator: str, raw_value: str, text: str) -> str:
        if comparator == "is":
            if raw_value == "NULL":
                return f"{column.sql} IS NULL"
            if raw_value == "NOT_NULL":
                return f"{column.sql} IS NOT NULL"
            raise bad_request(f"'filter' invalid for '{text}': 'is' takes NULL or NOT_NULL")
        if comparator in ("in", "containsAny"):
            values = [self._value(column, item, text) for item in self._list(raw_value, text)]
            self.parameters.extend(values)
            placeholders = ",".join("?" * len(values)) or "NULL"
            if comparator == "containsAny":
                return (
                    f"EXISTS (SELECT 1 FROM json_each({column.sql}) "
                    f"WHERE value IN ({placeholders}))"
                )
            return f"{column.sql} IN ({placeholders})"
        value = self._value(column, raw_value, text)
        return self._scalar_comparison(column.sql, comparator, value)

    def _scalar_comparison(self, sql: str, comparator: str, value: Any) -> str:
        operators = {"eq": "=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
        if comparator in operators:
            self.parameters.append(value)
            return f"{sql} {operators[comparator]} ?"
        text = str(value)
        patterns = {"startsWith": text + "%", "endsWith": "%" + text, "like": text, "ilike": text}
        self.parameters.append(patterns[comparator])
        if comparator == "ilike":
            return f"lower({sql}) LIKE lower(?)"
        return f"{sql} LIKE ?"

    def _list(self, raw_value: str, text: str) -> list[str]:
        if not (raw_value.startswith("[") and raw_value.endswith("]")):
            raise bad_request(
                f"'filter' invalid for '{text}': 'in' takes a list such as [\"a\",\"b\"]"
            )
        try:
            parsed = json.loads(raw_value)
        except json.JSONDecodeError:
            parsed = [item.strip() for item in raw_value[1:-1].split(",") if item.strip()]
        return [item if isinstance(item, str) else json.dumps(item) for item in parsed]

    def _value(self, column: Column, raw_value: str, text: str) -> Any:
        value = raw_value
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if column.field_type in _NUMERIC_TYPES:
            try:
                return float(value)
            except ValueError:
                raise self._invalid(text) from None
        if column.field_type == "BOOLEAN":
            if value not in ("true", "false"):
                raise self._invalid(text)
            return 1 if value == "true" else 0
        field = column.field
        if (
            field is not None
            and field.type in ("SELECT", "MULTI_SELECT", "RATING")
            and value not in field.option_values
        ):
            raise bad_request(
                f"'filter' invalid for '{text}': '{value}' is not an option of "
                f"'{field.name}' ({', '.join(field.option_values)})"
            )
        return value


@dataclass(frozen=True)
class SortTerm:
    """One SQL sort expression with its direction (True for ascending)."""

    sql: str
    ascending: bool


def parse_order_by(meta: ObjectMeta, text: str | None) -> list[SortTerm]:
    """Parse `order_by` into sort terms, each field as a null flag then its value, then `id`."""
    terms: list[SortTerm] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        path, _, rest = item.partition("[")
        direction = rest.rstrip("]") if rest else "AscNullsFirst"
        if direction not in DIRECTIONS:
            raise bad_request(
                f"'order_by' direction '{direction}' invalid. Allowed values are "
                f"{', '.join(DIRECTIONS)}. "
                "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
            )
        column = resolve_column(meta, path, parameter="order_by")
        if column.sql == "id":
            continue
        ascending = direction.startswith("Asc")
        nulls_first = direction.endswith("NullsFirst")
        terms.append(SortTerm(f"({column.sql} IS {'NOT ' if nulls_first else ''}NULL)", True))
        terms.append(SortTerm(column.sql, ascending))
    id_ascending = not any(item.strip().startswith("id[Desc") for item in (text or "").split(","))
    terms.append(SortTerm("id", id_ascending))
    return terms

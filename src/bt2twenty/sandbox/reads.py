"""Record reads: list with filter, order, cursor paging and counts; get one; depth 0 or 1."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from bt2twenty.sandbox.config import ERA_LIMITS
from bt2twenty.sandbox.defaults import present
from bt2twenty.sandbox.errors import bad_request, not_found
from bt2twenty.sandbox.filters import FilterParser, SortTerm, parse_order_by
from bt2twenty.sandbox.schema import JsonObject, ObjectMeta
from bt2twenty.sandbox.values import require_uuid
from bt2twenty.sandbox.workspace import Workspace, utc_now


@dataclass
class ListQuery:
    """The parsed query parameters of a list request."""

    limit: int
    depth: int
    filter_text: str | None = None
    order_by: str | None = None
    starting_after: str | None = None
    ending_before: str | None = None


@dataclass
class Page:
    """One page of records with Twenty's `totalCount` and `pageInfo`."""

    records: list[JsonObject]
    total_count: int
    has_next_page: bool
    start_cursor: str | None
    end_cursor: str | None
    ids: list[str] = field(default_factory=list)


def parse_limit(raw: str | None, era: str) -> int:
    """Return the page size: the era's default when absent, clamped silently to its maximum."""
    limits = ERA_LIMITS[era]
    if raw is None:
        return limits.default_limit
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"limit '{raw}' is invalid. Should be an integer") from None
    if value < 0:
        raise bad_request(f"limit '{raw}' is invalid. Should be an integer")
    return min(value, limits.max_limit)


def parse_depth(raw: str | None) -> int:
    """Return `depth`, 0 when absent; only 0 and 1 are allowed."""
    if raw is None:
        return 0
    if raw not in ("0", "1"):
        raise bad_request(f"'depth={raw}' parameter invalid. Allowed values are 0, 1")
    return int(raw)


def encode_cursor(values: list[Any]) -> str:
    """Encode a row's sort values as an opaque cursor."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(cursor: str, expected_length: int) -> list[Any]:
    """Decode a cursor made by `encode_cursor` for the same `order_by`, or raise a 400."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != expected_length:
        raise bad_request(
            f"Invalid cursor '{cursor}': "
            "pass an endCursor or startCursor from a page of the same query"
        )
    return values


def _after(terms: list[SortTerm], values: list[Any], forward: bool) -> tuple[str, list[Any]]:
    """Build the keyset condition for rows after (or, not `forward`, before) a cursor row."""
    alternatives = []
    parameters: list[Any] = []
    for index, term in enumerate(terms):
        parts = []
        for earlier, value in zip(terms[:index], values[:index], strict=True):
            parts.append(f"{earlier.sql} IS ?")
            parameters.append(value)
        operator = ">" if term.ascending == forward else "<"
        parts.append(f"{term.sql} {operator} ?")
        parameters.append(values[index])
        alternatives.append("(" + " AND ".join(parts) + ")")
    return "(" + " OR ".join(alternatives) + ")", parameters


class RecordReader:
    """Run list and get queries against the store."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store = workspace.store

    def where(
        self, meta: ObjectMeta, filter_text: str | None, *, deleted: bool | None = None
    ) -> tuple[str, list[Any]]:
        """Return the WHERE clause of a filter.

        Soft-deleted rows are left out unless the filter names `deletedAt`. `deleted` True
        selects only soft-deleted rows, and False only live ones.
        """
        conditions = ["object = ?"]
        parameters: list[Any] = [meta.name_singular]
        mentions_deleted_at = False
        if filter_text:
            parser = FilterParser(meta, filter_text)
            conditions.append(parser.parse())
            parameters.extend(parser.parameters)
            mentions_deleted_at = parser.mentions_deleted_at
        if deleted is True:
            conditions.append("deleted_at IS NOT NULL")
        elif deleted is False or not mentions_deleted_at:
            conditions.append("deleted_at IS NULL")
        return " AND ".join(conditions), parameters

    def find_page(self, meta: ObjectMeta, query: ListQuery) -> Page:
        """Return one page of records and the total count of matches."""
        if query.starting_after and query.ending_before:
            raise bad_request("'starting_after' and 'ending_before' cannot be used together")
        where, parameters = self.where(meta, query.filter_text)
        total = self.store.query(f"SELECT COUNT(*) FROM records WHERE {where}", parameters)[0][0]

        terms = parse_order_by(meta, query.order_by)
        forward = query.ending_before is None
        cursor = query.starting_after or query.ending_before
        if cursor:
            condition, cursor_parameters = _after(terms, decode_cursor(cursor, len(terms)), forward)
            where += " AND " + condition
            parameters = parameters + cursor_parameters
        order = ", ".join(
            f"{term.sql} {'ASC' if term.ascending == forward else 'DESC'}" for term in terms
        )
        selected = ", ".join(term.sql for term in terms)
        rows = self.store.query(
            f"SELECT data, {selected} FROM records WHERE {where} ORDER BY {order} LIMIT ?",
            [*parameters, query.limit + 1],
        )
        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
        if not forward:
            rows.reverse()

        now = utc_now()
        records = [
            self.expand(meta, present(meta, json.loads(row[0]), now), query.depth) for row in rows
        ]
        cursors = [encode_cursor(list(row[1:])) for row in rows]
        return Page(
            records=records,
            total_count=int(total),
            has_next_page=has_more if forward else bool(cursor),
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
            ids=[record["id"] for record in records],
        )

    def matching_ids(
        self, meta: ObjectMeta, filter_text: str | None, *, deleted: bool | None = None
    ) -> list[str]:
        """Return the ids of every record a filter matches, in id order."""
        where, parameters = self.where(meta, filter_text, deleted=deleted)
        return [
            row[0]
            for row in self.store.query(
                f"SELECT id FROM records WHERE {where} ORDER BY id", parameters
            )
        ]

    def get(self, meta: ObjectMeta, record_id: str, depth: int) -> JsonObject:
        """Return one live record, or raise 404."""
        found = self.store.fetch(meta.name_singular, require_uuid(record_id))
        if found is None or found[1] is not None:
            raise not_found()
        return self.expand(meta, present(meta, found[0], utc_now()), depth)

    def expand(self, meta: ObjectMeta, record: JsonObject, depth: int) -> JsonObject:
        """At depth 1, embed each relation: the target record, or the list of referring records."""
        if depth < 1:
            return record
        now = utc_now()
        for relation in meta.active_fields():
            if relation.type != "RELATION":
                continue
            target = self.workspace.object_by_id(relation.target_object_id or "")
            if target is None or not target.is_active:
                continue
            if relation.relation_type == "MANY_TO_ONE":
                found = self.store.fetch(
                    target.name_singular, record.get(f"{relation.name}Id") or ""
                )
                record[relation.name] = (
                    present(target, found[0], now) if found and found[1] is None else None
                )
                continue
            inverse = target.fields.get(_inverse_name(target, relation.target_field_id))
            if inverse is None:
                continue
            where, parameters = self.where(target, None)
            rows = self.store.query(
                f"SELECT data FROM records WHERE {where} "
                f"AND json_extract(data, '$.{inverse.name}Id') = ? ORDER BY id",
                [*parameters, record["id"]],
            )
            record[relation.name] = [present(target, json.loads(row[0]), now) for row in rows]
        return record


def _inverse_name(target: ObjectMeta, field_id: str | None) -> str:
    for candidate in target.fields.values():
        if candidate.id == field_id:
            return candidate.name
    return ""

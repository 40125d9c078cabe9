"""Records over Twenty's REST API: list, page, get, create, upsert, update, delete, restore.

Object path segments are the plural API names (`companies`, `people`, a custom object's
`namePlural`). Response envelopes differ between versions (`createCompanies` in most, the bare
plural in others), so responses are unwrapped by shape, not by key name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bt2twenty.twenty.era import ApiProfile
from bt2twenty.twenty.errors import (
    TwentyBatchTooLargeError,
    TwentyPagingError,
    TwentyResponseError,
)
from bt2twenty.twenty.http import TwentyHttp

logger = logging.getLogger(__name__)

Record = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of a list: its records, the total match count and the cursor to the next."""

    records: list[Record]
    total_count: int | None
    has_next_page: bool
    end_cursor: str | None


class RecordsApi:
    """Record operations on one Twenty workspace."""

    def __init__(self, http: TwentyHttp, profile: ApiProfile) -> None:
        self._http = http
        self.profile = profile
        self.max_batch_size = profile.max_batch_size

    def list_page(
        self,
        objects: str,
        *,
        limit: int,
        filter: str | None = None,
        order_by: str | None = None,
        starting_after: str | None = None,
        depth: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> Page:
        """Return one page of `objects`; `limit` is explicit because defaults vary by version."""
        params: dict[str, Any] = {"limit": limit}
        if filter:
            params["filter"] = filter
        if order_by:
            params["order_by"] = order_by
        if starting_after:
            params["starting_after"] = starting_after
        if depth is not None:
            params["depth"] = depth
        if fields:
            params["fields"] = ",".join(fields)

        body = self._http.request("GET", f"/rest/{objects}", params=params)
        records = _unwrap_list(body)
        page_info = body.get("pageInfo") or {} if isinstance(body, dict) else {}
        return Page(
            records=records,
            total_count=body.get("totalCount") if isinstance(body, dict) else None,
            has_next_page=bool(page_info.get("hasNextPage")),
            end_cursor=page_info.get("endCursor"),
        )

    def iterate(
        self,
        objects: str,
        *,
        filter: str | None = None,
        order_by: str = "id",
        page_size: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> Iterator[Record]:
        """Yield every matching record, page by page, ordered by `order_by` then id.

        Raises `TwentyPagingError` if the server returns a cursor it returned before or a full
        page with no cursor, which would otherwise loop forever.
        """
        limit = min(page_size or self.profile.max_page_size, self.profile.max_page_size)
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            page = self.list_page(
                objects,
                limit=limit,
                filter=filter,
                order_by=order_by,
                starting_after=cursor,
                fields=fields,
            )
            yield from page.records
            if not page.has_next_page or not page.records:
                return
            if page.end_cursor is None or page.end_cursor in seen_cursors:
                raise TwentyPagingError(
                    f"Paging {objects} stopped advancing: cursor {page.end_cursor!r} after "
                    f"{len(seen_cursors)} pages.",
                    hint="The server ignored starting_after; check the Twenty URL points at "
                    "Twenty's REST API, or report the server version.",
                )
            seen_cursors.add(page.end_cursor)
            cursor = page.end_cursor

    def count(self, objects: str, *, filter: str | None = None) -> int:
        """Return how many records match `filter`; deleted ones count only if it names deletedAt."""
        page = self.list_page(objects, limit=1, filter=filter)
        if page.total_count is None:
            return sum(1 for _ in self.iterate(objects, filter=filter, fields=["id"]))
        return int(page.total_count)

    def get(self, objects: str, record_id: str, *, depth: int | None = None) -> Record:
        """Return one record; raises `TwentyNotFoundError` if it does not exist."""
        params = {"depth": depth} if depth is not None else None
        body = self._http.request("GET", f"/rest/{objects}/{record_id}", params=params)
        return _unwrap_one(body)

    def create(self, objects: str, record: Mapping[str, Any], *, upsert: bool = False) -> Record:
        """Create one record (or update its match when `upsert` is true) and return it."""
        body = self._http.request(
            "POST", f"/rest/{objects}", params=_upsert_params(upsert), json=dict(record)
        )
        return _unwrap_one(body)

    def create_many(
        self, objects: str, records: Sequence[Mapping[str, Any]], *, upsert: bool = False
    ) -> list[Record]:
        """Create records in batches of the server's maximum and return them in input order.

        With `upsert`, a record matching an existing one by id or by a unique field (deleted
        records included, which Twenty then restores) updates it instead.
        """
        created: list[Record] = []
        start = 0
        while start < len(records):
            batch = [dict(record) for record in records[start : start + self.max_batch_size]]
            try:
                body = self._http.request(
                    "POST", f"/rest/batch/{objects}", params=_upsert_params(upsert), json=batch
                )
            except TwentyBatchTooLargeError as error:
                smaller = error.max_records or len(batch) // 2
                if smaller >= len(batch) or smaller < 1:
                    raise
                logger.warning("Twenty accepts %d records per batch; splitting", smaller)
                self.max_batch_size = smaller
                continue
            created.extend(_unwrap_list(body))
            start += len(batch)
        return created

    def update(self, objects: str, record_id: str, changes: Mapping[str, Any]) -> Record:
        """Update the given fields of one record and return it."""
        body = self._http.request("PATCH", f"/rest/{objects}/{record_id}", json=dict(changes))
        return _unwrap_one(body)

    def update_many(self, objects: str, *, filter: str, changes: Mapping[str, Any]) -> list[Record]:
        """Update every record matching `filter` and return them."""
        body = self._http.request(
            "PATCH", f"/rest/{objects}", params={"filter": filter}, json=dict(changes)
        )
        return _unwrap_list(body)

    def delete(self, objects: str, record_id: str, *, soft: bool) -> Record:
        """Delete one record: destroyed for good, or soft-deleted (restorable) when `soft`.

        The choice is always sent explicitly, because the default differs between versions.
        """
        body = self._http.request(
            "DELETE",
            f"/rest/{objects}/{record_id}",
            params={"soft_delete": "true" if soft else "false"},
        )
        return _unwrap_one(body)

    def delete_many(self, objects: str, *, filter: str, soft: bool) -> list[Record]:
        """Delete every record matching `filter`, destroyed, or soft-deleted when `soft` is true."""
        body = self._http.request(
            "DELETE",
            f"/rest/{objects}",
            params={"filter": filter, "soft_delete": "true" if soft else "false"},
        )
        return _unwrap_list(body)

    def restore(self, objects: str, record_id: str) -> Record:
        """Restore one soft-deleted record, on the path of the server's era."""
        body = self._http.request("PATCH", self.profile.restore_path(objects, record_id))
        return _unwrap_one(body)


def _upsert_params(upsert: bool) -> dict[str, str] | None:
    return {"upsert": "true"} if upsert else None


def _unwrap_one(body: Any) -> Record:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict):
        if "id" in data:
            return data
        values = [value for value in data.values() if isinstance(value, dict)]
        if len(values) == 1:
            return values[0]
    raise TwentyResponseError(
        f"Unexpected response shape from Twenty: {str(body)[:300]}",
        hint="Check that the URL points at Twenty's REST API.",
    )


def _unwrap_list(body: Any) -> list[Record]:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        values = [value for value in data.values() if isinstance(value, list)]
        if len(values) == 1:
            return values[0]
    raise TwentyResponseError(
        f"Unexpected response shape from Twenty: {str(body)[:300]}",
        hint="Check that the URL points at Twenty's REST API.",
    )

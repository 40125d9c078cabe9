"""Cursor paging returns every matching record exactly once, in order, for any page size."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bt2twenty.sandbox import SandboxConfig, running_sandbox

ORDERS = [
    "name",
    "name[DescNullsLast]",
    "address.addressLat[AscNullsLast]",
    "address.addressLat[DescNullsFirst],name",
    "employees",
]


@pytest.fixture(scope="module")
def seeded() -> Iterator[httpx.Client]:
    config = SandboxConfig(
        api_key="k", era="v1", rate_limit_per_minute=None, rate_limit_per_second=None
    )
    with running_sandbox(config) as sandbox, sandbox.http_client() as http:
        rows = []
        for index in range(47):
            row: dict[str, object] = {"name": f"C{index % 9}"}
            if index % 3:
                row["address"] = {"addressLat": float(index % 5)}
            if index % 4:
                row["employees"] = index % 6
            rows.append(row)
        http.post("/rest/batch/companies", json=rows[:40])
        http.post("/rest/batch/companies", json=rows[40:])
        yield http


def all_pages(http: httpx.Client, order: str, limit: int, filter_text: str | None) -> list[str]:
    ids: list[str] = []
    params: dict[str, object] = {"order_by": order, "limit": limit}
    if filter_text:
        params["filter"] = filter_text
    for _ in range(100):
        body = http.get("/rest/companies", params=params).json()
        ids += [row["id"] for row in body["data"]["companies"]]
        if not body["pageInfo"]["hasNextPage"]:
            return ids
        params["starting_after"] = body["pageInfo"]["endCursor"]
    raise AssertionError("paging did not finish within 100 pages")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.sampled_from(ORDERS),
    limit=st.integers(min_value=1, max_value=20),
    filter_text=st.sampled_from(
        [None, "employees[gte]:2", "or(name[eq]:C1,address.addressLat[is]:NULL)"]
    ),
)
def test_paging_covers_all(
    seeded: httpx.Client, order: str, limit: int, filter_text: str | None
) -> None:
    expected_params: dict[str, object] = {"order_by": order, "limit": 200}
    if filter_text:
        expected_params["filter"] = filter_text
    expected = [
        row["id"]
        for row in seeded.get("/rest/companies", params=expected_params).json()["data"]["companies"]
    ]
    paged = all_pages(seeded, order, limit, filter_text)
    assert paged == expected
    assert len(set(paged)) == len(paged)

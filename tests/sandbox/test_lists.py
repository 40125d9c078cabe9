"""Lists: filters, ordering, cursor paging, limits and counts."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def companies(client: httpx.Client) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [{"name": f"Company {index:02d}"} for index in range(25)]
    rows[3]["address"] = {"addressCity": "Sydney"}
    rows[4]["address"] = {"addressCity": "Perth"}
    return client.post("/rest/batch/companies", json=rows).json()["data"]["createCompanies"]


def names(response: httpx.Response) -> list[str]:
    return [row["name"] for row in response.json()["data"]["companies"]]


def test_total_count_and_page(client: httpx.Client, companies) -> None:
    response = client.get("/rest/companies", params={"limit": 10})
    body = response.json()
    assert body["totalCount"] == 25
    assert len(body["data"]["companies"]) == 10
    assert body["pageInfo"]["hasNextPage"] is True


def test_cursor_paging_stable(client: httpx.Client, companies) -> None:
    seen: list[str] = []
    params = {"limit": 7, "order_by": "name[DescNullsLast]"}
    cursor = None
    for _ in range(10):
        page_params = dict(params, **({"starting_after": cursor} if cursor else {}))
        body = client.get("/rest/companies", params=page_params).json()
        seen += [row["name"] for row in body["data"]["companies"]]
        if not body["pageInfo"]["hasNextPage"]:
            break
        cursor = body["pageInfo"]["endCursor"]
    assert seen == sorted((f"Company {index:02d}" for index in range(25)), reverse=True)


def test_ending_before_pages_back(client: httpx.Client, companies) -> None:
    first = client.get("/rest/companies", params={"limit": 5, "order_by": "name"}).json()
    second = client.get(
        "/rest/companies",
        params={"limit": 5, "order_by": "name", "starting_after": first["pageInfo"]["endCursor"]},
    ).json()
    back = client.get(
        "/rest/companies",
        params={"limit": 5, "order_by": "name", "ending_before": second["pageInfo"]["startCursor"]},
    ).json()
    assert [row["id"] for row in back["data"]["companies"]] == [
        row["id"] for row in first["data"]["companies"]
    ]


def test_order_by_id_tiebreak(client: httpx.Client) -> None:
    client.post("/rest/batch/companies", json=[{"name": "Same"} for _ in range(5)])
    body = client.get("/rest/companies", params={"order_by": "name"}).json()
    ids = [row["id"] for row in body["data"]["companies"]]
    assert ids == sorted(ids)


def test_order_nulls_last(client: httpx.Client) -> None:
    rows = [
        {"name": "N"},
        {"name": "B", "address": {"addressLat": 2}},
        {"name": "A", "address": {"addressLat": 1}},
    ]
    client.post("/rest/batch/companies", json=rows)
    last = client.get("/rest/companies", params={"order_by": "address.addressLat[AscNullsLast]"})
    assert names(last) == ["A", "B", "N"]
    first = client.get("/rest/companies", params={"order_by": "address.addressLat[DescNullsFirst]"})
    assert names(first) == ["N", "B", "A"]


def test_order_by_invalid_direction(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"order_by": "name[Up]"})
    assert response.status_code == 400
    assert "'order_by' direction 'Up' invalid" in response.json()["messages"][0]


def test_filter_eq(client: httpx.Client, companies) -> None:
    assert names(client.get("/rest/companies", params={"filter": "name[eq]:Company 03"})) == [
        "Company 03"
    ]


def test_filter_dotted_subfield(client: httpx.Client, companies) -> None:
    response = client.get("/rest/companies", params={"filter": "address.addressCity[eq]:Sydney"})
    assert names(response) == ["Company 03"]


def test_filter_in_list(client: httpx.Client, companies) -> None:
    response = client.get(
        "/rest/companies",
        params={"filter": 'name[in]:["Company 01","Company 02"]', "order_by": "name"},
    )
    assert names(response) == ["Company 01", "Company 02"]


def test_filter_or_and_not(client: httpx.Client, companies) -> None:
    text = "or(name[eq]:Company 01,and(name[startsWith]:Company 2,not(name[eq]:Company 20)))"
    response = client.get("/rest/companies", params={"filter": text, "order_by": "name"})
    assert names(response) == ["Company 01", "Company 21", "Company 22", "Company 23", "Company 24"]


def test_filter_default_and(client: httpx.Client, companies) -> None:
    response = client.get(
        "/rest/companies",
        params={"filter": "name[gte]:Company 10,name[lt]:Company 12", "order_by": "name"},
    )
    assert names(response) == ["Company 10", "Company 11"]


def test_filter_ilike(client: httpx.Client, companies) -> None:
    assert names(client.get("/rest/companies", params={"filter": "name[ilike]:%pany 0_"})) != []
    assert names(client.get("/rest/companies", params={"filter": "name[like]:%PANY%"})) == []


def test_filter_is_null(client: httpx.Client, companies) -> None:
    body = client.get("/rest/companies", params={"filter": "accountOwnerId[is]:NULL"}).json()
    assert body["totalCount"] == 25


def test_filter_bad_syntax(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"filter": "name:Acme"})
    assert response.status_code == 400
    assert response.json()["messages"] == ["'filter' invalid for 'name:Acme'. eg: price[gte]:10"]


def test_filter_bad_comparator(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"filter": "name[around]:Acme"})
    assert response.status_code == 400
    assert "eq, neq, in" in response.json()["messages"][0]


def test_filter_select_value_checked(client: httpx.Client) -> None:
    response = client.get("/rest/opportunities", params={"filter": "stage[eq]:WON"})
    assert response.status_code == 400


def test_deleted_excluded_unless_filtered(client: httpx.Client, companies) -> None:
    record_id = companies[0]["id"]
    client.delete(f"/rest/companies/{record_id}", params={"soft_delete": "true"})
    assert client.get("/rest/companies").json()["totalCount"] == 24
    deleted = client.get("/rest/companies", params={"filter": "deletedAt[is]:NOT_NULL"}).json()
    assert [row["id"] for row in deleted["data"]["companies"]] == [record_id]


def test_limit_invalid(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"limit": "ten"})
    assert response.status_code == 400
    assert response.json()["messages"] == ["limit 'ten' is invalid. Should be an integer"]


def test_limit_clamped_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1", max_batch=200)
    http.post("/rest/batch/companies", json=[{"name": str(index)} for index in range(200)])
    http.post("/rest/batch/companies", json=[{"name": str(index)} for index in range(50)])
    assert (
        len(http.get("/rest/companies", params={"limit": 5000}).json()["data"]["companies"]) == 200
    )
    assert len(http.get("/rest/companies").json()["data"]["companies"]) == 60


def test_unknown_params_ignored(client: httpx.Client, companies) -> None:
    response = client.get("/rest/companies", params={"limit": 5, "page": 3, "offset": 10})
    assert response.status_code == 200
    assert len(response.json()["data"]["companies"]) == 5


def test_bad_cursor_rejected(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"starting_after": "nonsense"})
    assert response.status_code == 400

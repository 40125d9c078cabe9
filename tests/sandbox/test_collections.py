"""Collection routes: duplicates, merge and groupBy."""

from __future__ import annotations

import httpx


def test_duplicates_by_data(client: httpx.Client) -> None:
    client.post("/rest/batch/companies", json=[{"name": "Acme"}, {"name": "Other"}])
    response = client.post("/rest/companies/duplicates", json={"data": [{"name": "Acme"}]})
    assert response.status_code == 200
    groups = response.json()["data"]
    assert groups[0]["totalCount"] == 1
    assert groups[0]["companyDuplicates"][0]["name"] == "Acme"


def test_duplicates_by_ids(client: httpx.Client) -> None:
    rows = [
        {"name": {"firstName": "Jo", "lastName": "Lee"}},
        {"name": {"firstName": "Jo", "lastName": "Lee"}},
    ]
    created = client.post("/rest/batch/people", json=rows).json()["data"]["createPeople"]
    response = client.post("/rest/people/duplicates", json={"ids": [created[0]["id"]]})
    found = response.json()["data"][0]["personDuplicates"]
    assert [row["id"] for row in found] == [created[1]["id"]]


def test_duplicates_body_checked(client: httpx.Client) -> None:
    response = client.post("/rest/companies/duplicates", json={"data": [], "ids": []})
    assert response.status_code == 400


def test_merge_fills_empty_fields(client: httpx.Client) -> None:
    rows = [
        {"name": {"firstName": "Jo", "lastName": "Lee"}, "jobTitle": ""},
        {"name": {"firstName": "Jo", "lastName": "Lee"}, "jobTitle": "CTO"},
    ]
    created = client.post("/rest/batch/people", json=rows).json()["data"]["createPeople"]
    ids = [row["id"] for row in created]
    note = client.post("/rest/notes", json={"title": "N"}).json()["data"]["createNote"]
    target = client.post(
        "/rest/noteTargets", json={"noteId": note["id"], "targetPersonId": ids[1]}
    ).json()
    response = client.patch("/rest/people/merge", json={"ids": ids, "conflictPriorityIndex": 0})
    assert response.status_code == 200
    merged = response.json()["data"]["mergePeople"]
    assert merged["id"] == ids[0]
    assert merged["jobTitle"] == "CTO"
    assert client.get(f"/rest/people/{ids[1]}").status_code == 404
    moved = client.get(f"/rest/noteTargets/{target['data']['createNoteTarget']['id']}").json()
    assert moved["data"]["noteTarget"]["targetPersonId"] == ids[0]


def test_merge_dry_run(client: httpx.Client) -> None:
    created = client.post("/rest/batch/companies", json=[{"name": "A"}, {"name": "B"}]).json()[
        "data"
    ]["createCompanies"]
    ids = [row["id"] for row in created]
    response = client.patch(
        "/rest/companies/merge", json={"ids": ids, "conflictPriorityIndex": 1, "dryRun": True}
    )
    assert response.json()["data"]["mergeCompanies"]["name"] == "B"
    assert client.get("/rest/companies").json()["totalCount"] == 2


def test_merge_needs_two_ids(client: httpx.Client) -> None:
    created = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    response = client.patch("/rest/companies/merge", json={"ids": [created["id"]]})
    assert response.status_code == 400


def test_group_by_counts(client: httpx.Client) -> None:
    rows = [
        {"name": "A", "stage": "NEW"},
        {"name": "B", "stage": "NEW"},
        {"name": "C", "stage": "MEETING"},
    ]
    client.post("/rest/batch/opportunities", json=rows)
    response = client.get("/rest/opportunities/groupBy", params={"group_by": '[{"stage": true}]'})
    assert response.status_code == 200
    counts = {
        tuple(group["groupByDimensionValues"]): group["totalCount"]
        for group in response.json()["data"]
    }
    assert counts == {("MEETING",): 1, ("NEW",): 2}

"""Unique indexes, soft-deleted rows that still hold values, and upsert matching."""

from __future__ import annotations

import uuid

import httpx


def person(email: str, **extra: object) -> dict[str, object]:
    return {"name": {"firstName": "A", "lastName": "B"}, "emails": {"primaryEmail": email}, **extra}


def test_email_collision_400(client: httpx.Client) -> None:
    assert client.post("/rest/people", json=person("a@x.com")).status_code == 201
    response = client.post("/rest/people", json=person("A@x.com"))
    assert response.status_code == 400
    message = response.json()["messages"][0]
    assert message.startswith("A duplicate entry for emailsPrimaryEmail was found.")
    assert 'unique constraint "IDX_UNIQUE_' in message


def test_email_collision_v1_wording(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    http.post("/rest/people", json=person("a@x.com"))
    response = http.post("/rest/people", json=person("a@x.com"))
    assert response.status_code == 400
    assert response.json()["messages"][0].startswith(
        "duplicate key value violates unique constraint"
    )


def test_empty_email_not_unique(client: httpx.Client) -> None:
    assert client.post("/rest/people", json={"jobTitle": "A"}).status_code == 201
    assert client.post("/rest/people", json={"jobTitle": "B"}).status_code == 201


def test_in_batch_duplicate(client: httpx.Client) -> None:
    response = client.post("/rest/batch/people", json=[person("a@x.com"), person("a@x.com")])
    assert response.status_code == 400
    assert client.get("/rest/people").json()["totalCount"] == 0


def test_soft_deleted_holds_email(client: httpx.Client) -> None:
    created = client.post("/rest/people", json=person("a@x.com")).json()["data"]["createPerson"]
    client.delete(f"/rest/people/{created['id']}", params={"soft_delete": "true"})
    response = client.post("/rest/people", json=person("a@x.com"))
    assert response.status_code == 400
    assert "duplicate entry" in response.json()["messages"][0]


def test_destroy_frees_email(client: httpx.Client) -> None:
    created = client.post("/rest/people", json=person("a@x.com")).json()["data"]["createPerson"]
    client.delete(f"/rest/people/{created['id']}")
    assert client.post("/rest/people", json=person("a@x.com")).status_code == 201


def test_partial_indexes_release(make_sandbox) -> None:
    _, http = make_sandbox(partial_unique_indexes=True)
    created = http.post("/rest/people", json=person("a@x.com")).json()["data"]["createPerson"]
    http.delete(f"/rest/people/{created['id']}", params={"soft_delete": "true"})
    assert http.post("/rest/people", json=person("a@x.com")).status_code == 201
    restore = http.patch(f"/rest/people/{created['id']}/restore")
    assert restore.status_code == 400


def test_soft_deleted_holds_id(make_sandbox) -> None:
    _, http = make_sandbox(partial_unique_indexes=True)
    record_id = str(uuid.uuid4())
    http.post("/rest/companies", json={"id": record_id, "name": "A"})
    http.delete(f"/rest/companies/{record_id}", params={"soft_delete": "true"})
    assert http.post("/rest/companies", json={"id": record_id, "name": "B"}).status_code == 400


def test_company_domain_unique_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    body = {"name": "A", "domainName": {"primaryLinkUrl": "https://acme.com"}}
    assert http.post("/rest/companies", json=body).status_code == 201
    assert http.post("/rest/companies", json=body).status_code == 400


def test_company_domain_shared_v2(client: httpx.Client) -> None:
    body = {"name": "A", "domainName": {"primaryLinkUrl": "acme.com"}}
    assert client.post("/rest/companies", json=body).status_code == 201
    assert client.post("/rest/companies", json=body).status_code == 201


def test_upsert_by_id_updates(client: httpx.Client) -> None:
    record_id = str(uuid.uuid4())
    client.post("/rest/companies", json={"id": record_id, "name": "A"})
    response = client.post(
        "/rest/companies", params={"upsert": "true"}, json={"id": record_id, "name": "B"}
    )
    assert response.status_code == 201
    assert response.json()["data"]["createCompany"]["name"] == "B"
    assert client.get("/rest/companies").json()["totalCount"] == 1


def test_upsert_restores_soft_deleted(client: httpx.Client) -> None:
    created = client.post("/rest/people", json=person("a@x.com", jobTitle="Old")).json()["data"][
        "createPerson"
    ]
    client.delete(f"/rest/people/{created['id']}", params={"soft_delete": "true"})
    response = client.post(
        "/rest/batch/people", params={"upsert": "true"}, json=[person("a@x.com", jobTitle="New")]
    )
    assert response.status_code == 201
    upserted = response.json()["data"]["createPeople"][0]
    assert upserted["id"] == created["id"]
    assert upserted["deletedAt"] is None
    assert upserted["jobTitle"] == "New"


def test_upsert_keeps_created_by(client: httpx.Client) -> None:
    body = person("a@x.com", createdBy={"source": "IMPORT", "name": "First"})
    client.post("/rest/people", json=body)
    again = person("a@x.com", createdBy={"source": "IMPORT", "name": "Second"})
    response = client.post("/rest/people", params={"upsert": "true"}, json=again)
    assert response.json()["data"]["createPerson"]["createdBy"]["name"] == "First"


def test_upsert_multiple_matches(client: httpx.Client) -> None:
    first = client.post("/rest/people", json=person("a@x.com")).json()["data"]["createPerson"]
    client.post("/rest/people", json=person("b@x.com"))
    body = {"id": first["id"], "emails": {"primaryEmail": "b@x.com"}}
    response = client.post("/rest/people", params={"upsert": "true"}, json=body)
    assert response.status_code == 400
    assert "UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT" in response.json()["messages"][0]


def test_upsert_inserts_new(client: httpx.Client) -> None:
    response = client.post(
        "/rest/batch/people", params={"upsert": "true"}, json=[person("n@x.com")]
    )
    assert response.status_code == 201
    assert client.get("/rest/people").json()["totalCount"] == 1


def test_custom_unique_field(client: httpx.Client) -> None:
    objects = client.get("/rest/metadata/objects").json()["data"]
    company_id = next(item["id"] for item in objects if item["nameSingular"] == "company")
    field = {
        "objectMetadataId": company_id,
        "type": "TEXT",
        "name": "bluetraitId",
        "label": "Bluetrait Id",
        "isUnique": True,
    }
    assert client.post("/rest/metadata/fields", json=field).status_code == 201
    assert (
        client.post("/rest/companies", json={"name": "A", "bluetraitId": "c-1"}).status_code == 201
    )
    duplicate = client.post("/rest/companies", json={"name": "B", "bluetraitId": "c-1"})
    assert duplicate.status_code == 400
    assert "bluetraitId" in duplicate.json()["messages"][0]
    upsert = client.post(
        "/rest/companies", params={"upsert": "true"}, json={"name": "C", "bluetraitId": "c-1"}
    )
    assert upsert.json()["data"]["createCompany"]["name"] == "C"
    assert client.get("/rest/companies").json()["totalCount"] == 1

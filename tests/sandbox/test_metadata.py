"""Metadata REST: custom objects and fields, name and option rules, relations, deactivation."""

from __future__ import annotations

import httpx
import pytest


def object_id(client: httpx.Client, name: str) -> str:
    objects = client.get("/rest/metadata/objects").json()["data"]
    return next(item["id"] for item in objects if item["nameSingular"] == name)


def ticket_object(client: httpx.Client) -> dict[str, object]:
    body = {
        "nameSingular": "ticket",
        "namePlural": "tickets",
        "labelSingular": "Ticket",
        "labelPlural": "Tickets",
    }
    response = client.post("/rest/metadata/objects", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]["createOneObject"]


def select_field(object_metadata_id: str, **extra: object) -> dict[str, object]:
    options = [
        {"value": "OPEN", "label": "Open", "position": 0, "color": "green"},
        {"value": "CLOSED", "label": "Closed", "position": 1, "color": "gray"},
    ]
    return {
        "objectMetadataId": object_metadata_id,
        "type": "SELECT",
        "name": "status",
        "label": "Status",
        "options": options,
        **extra,
    }


def test_create_object_usable(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    assert ticket["isCustom"] is True
    assert {"id", "name", "createdAt", "createdBy", "position"} <= {
        field["name"] for field in ticket["fields"]
    }
    created = client.post("/rest/tickets", json={"name": "Printer on fire"})
    assert created.status_code == 201
    assert created.json()["data"]["createTicket"]["name"] == "Printer on fire"


def test_object_becomes_target(client: httpx.Client) -> None:
    ticket_object(client)
    note = client.post("/rest/notes", json={"title": "N"}).json()["data"]["createNote"]
    ticket = client.post("/rest/tickets", json={"name": "T"}).json()["data"]["createTicket"]
    link = client.post(
        "/rest/noteTargets", json={"noteId": note["id"], "targetTicketId": ticket["id"]}
    )
    assert link.status_code == 201
    attachment = client.post(
        "/rest/attachments", json={"name": "a.pdf", "targetTicketId": ticket["id"]}
    )
    assert attachment.status_code == 201
    task_target_fields = client.get(
        f"/rest/metadata/objects/{object_id(client, 'taskTarget')}"
    ).json()
    assert "targetTicket" in {
        field["name"] for field in task_target_fields["data"]["object"]["fields"]
    }


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("Ticket", "must start with a lowercase letter"),
        ("my_ticket", "must start with a lowercase letter"),
        ("t" * 64, "exceeds 63 characters"),
        ("user", "is not available"),
        ("myABC", "camelCase"),
    ],
)
def test_object_name_rules(client: httpx.Client, name: str, fragment: str) -> None:
    body = {
        "nameSingular": name,
        "namePlural": name + "Items",
        "labelSingular": "X",
        "labelPlural": "Xs",
    }
    response = client.post("/rest/metadata/objects", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["messages"][0]


def test_singular_equals_plural(client: httpx.Client) -> None:
    body = {
        "nameSingular": "sheep",
        "namePlural": "sheep",
        "labelSingular": "Sheep",
        "labelPlural": "Sheep",
    }
    response = client.post("/rest/metadata/objects", json=body)
    assert response.status_code == 400
    assert "singular and plural" in response.json()["messages"][0]


def test_object_name_taken(client: httpx.Client) -> None:
    body = {
        "nameSingular": "company",
        "namePlural": "companyItems",
        "labelSingular": "C",
        "labelPlural": "Cs",
    }
    response = client.post("/rest/metadata/objects", json=body)
    assert response.status_code == 400
    assert "not available" in response.json()["messages"][0]


def test_missing_label_rejected(client: httpx.Client) -> None:
    body = {"nameSingular": "ticket", "namePlural": "tickets", "labelSingular": "Ticket"}
    assert client.post("/rest/metadata/objects", json=body).status_code == 400


def test_select_field_created(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    response = client.post(
        "/rest/metadata/fields", json=select_field(ticket["id"], defaultValue="'OPEN'")
    )
    assert response.status_code == 201
    field = response.json()["data"]["createOneField"]
    assert all(option["id"] for option in field["options"])
    created = client.post("/rest/tickets", json={"name": "T"}).json()["data"]["createTicket"]
    assert created["status"] == "OPEN"
    assert client.post("/rest/tickets", json={"status": "PENDING"}).status_code == 400


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"value": "in progress"}, "Value must be in UPPER_CASE and follow snake_case"),
        ({"value": "IN__PROGRESS"}, "Value must be in UPPER_CASE and follow snake_case"),
        ({"label": "Open, new"}, "comma"),
        ({"color": "teal"}, "color 'teal' is invalid"),
        ({"value": "CLOSED"}, "Duplicated option value"),
        ({"position": 1}, "Duplicated option position"),
    ],
)
def test_option_rules(client: httpx.Client, change: dict[str, object], fragment: str) -> None:
    body = select_field(object_id(client, "company"))
    body["options"][0].update(change)  # type: ignore[index]
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["messages"][0]


def test_default_must_be_quoted(client: httpx.Client) -> None:
    response = client.post(
        "/rest/metadata/fields",
        json=select_field(object_id(client, "company"), defaultValue="OPEN"),
    )
    assert response.status_code == 400
    assert "quote" in response.json()["messages"][0]


def test_default_must_be_option(client: httpx.Client) -> None:
    response = client.post(
        "/rest/metadata/fields",
        json=select_field(object_id(client, "company"), defaultValue="'NEW'"),
    )
    assert response.status_code == 400


def test_field_name_taken(client: httpx.Client) -> None:
    body = {
        "objectMetadataId": object_id(client, "company"),
        "type": "TEXT",
        "name": "name",
        "label": "Name 2",
    }
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 400
    assert "not available" in response.json()["messages"][0]


def test_field_type_era(client: httpx.Client) -> None:
    body = {
        "objectMetadataId": object_id(client, "company"),
        "type": "RICH_TEXT_V2",
        "name": "story",
        "label": "Story",
    }
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 400
    assert "RICH_TEXT_V2" in response.json()["messages"][0]


def test_relation_creates_both_sides(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    payload = {
        "type": "MANY_TO_ONE",
        "targetObjectMetadataId": object_id(client, "company"),
        "targetFieldLabel": "Tickets",
        "targetFieldIcon": "IconTicket",
    }
    body = {
        "objectMetadataId": ticket["id"],
        "type": "RELATION",
        "name": "company",
        "label": "Company",
        "relationCreationPayload": payload,
    }
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 201, response.text
    relation = response.json()["data"]["createOneField"]["relation"]
    assert relation["targetFieldMetadata"]["name"] == "tickets"
    company = client.post("/rest/companies", json={"name": "Acme"}).json()["data"]["createCompany"]
    created = client.post("/rest/tickets", json={"name": "T", "companyId": company["id"]})
    assert created.json()["data"]["createTicket"]["companyId"] == company["id"]
    embedded = client.get(f"/rest/companies/{company['id']}", params={"depth": 1}).json()
    assert [row["name"] for row in embedded["data"]["company"]["tickets"]] == ["T"]


def test_relation_target_missing(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    payload = {
        "type": "MANY_TO_ONE",
        "targetObjectMetadataId": "4a1f1a53-9c4e-4d35-bd0b-2f7fa2b3f7a1",
        "targetFieldLabel": "X",
    }
    body = {
        "objectMetadataId": ticket["id"],
        "type": "RELATION",
        "name": "thing",
        "label": "Thing",
        "relationCreationPayload": payload,
    }
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 400
    assert response.json()["messages"] == ["Object targeted by field to create not found"]


def test_deactivate_hides_field(client: httpx.Client) -> None:
    company_id = object_id(client, "company")
    field = client.post(
        "/rest/metadata/fields",
        json={"objectMetadataId": company_id, "type": "TEXT", "name": "abn", "label": "ABN"},
    ).json()["data"]["createOneField"]
    response = client.patch(f"/rest/metadata/fields/{field['id']}", json={"isActive": False})
    assert response.status_code == 200
    assert response.json()["data"]["updateOneField"]["isActive"] is False
    rejected = client.post("/rest/companies", json={"name": "A", "abn": "1"})
    assert rejected.json()["messages"] == ['Object company doesn\'t have any "abn" field.']


def test_delete_custom_field(client: httpx.Client) -> None:
    company_id = object_id(client, "company")
    field = client.post(
        "/rest/metadata/fields",
        json={"objectMetadataId": company_id, "type": "NUMBER", "name": "seats", "label": "Seats"},
    ).json()["data"]["createOneField"]
    client.post("/rest/companies", json={"name": "A", "seats": 3})
    assert client.delete(f"/rest/metadata/fields/{field['id']}").status_code == 200
    record = client.get("/rest/companies").json()["data"]["companies"][0]
    assert "seats" not in record


def test_standard_field_not_deleted(client: httpx.Client) -> None:
    fields = client.get(f"/rest/metadata/objects/{object_id(client, 'company')}").json()["data"][
        "object"
    ]["fields"]
    name_field = next(field for field in fields if field["name"] == "name")
    response = client.delete(f"/rest/metadata/fields/{name_field['id']}")
    assert response.status_code == 400


def test_delete_custom_object(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    client.post("/rest/tickets", json={"name": "T"})
    assert client.delete(f"/rest/metadata/objects/{ticket['id']}").status_code == 200
    assert client.get("/rest/tickets").status_code == 400
    fields = client.get(f"/rest/metadata/objects/{object_id(client, 'noteTarget')}").json()["data"][
        "object"
    ]["fields"]
    assert "targetTicket" not in {field["name"] for field in fields}


def test_metadata_list_shape_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    body = http.get("/rest/metadata/objects", params={"limit": 3}).json()
    assert len(body["data"]["objects"]) == 3
    assert body["pageInfo"]["hasNextPage"] is True
    assert body["totalCount"] >= 10


def test_metadata_unknown_id_404(client: httpx.Client) -> None:
    response = client.get("/rest/metadata/fields/4a1f1a53-9c4e-4d35-bd0b-2f7fa2b3f7a1")
    assert response.status_code == 404


def test_one_to_many_relation(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    payload = {
        "type": "ONE_TO_MANY",
        "targetObjectMetadataId": ticket["id"],
        "targetFieldLabel": "Requester",
    }
    body = {
        "objectMetadataId": object_id(client, "person"),
        "type": "RELATION",
        "name": "requestedTickets",
        "label": "Requested tickets",
        "relationCreationPayload": payload,
    }
    response = client.post("/rest/metadata/fields", json=body)
    assert response.status_code == 201, response.text
    person = client.post("/rest/people", json={"jobTitle": "X"}).json()["data"]["createPerson"]
    created = client.post("/rest/tickets", json={"name": "T", "requesterId": person["id"]})
    assert created.status_code == 201
    fetched = client.get(f"/rest/people/{person['id']}", params={"depth": 1}).json()["data"][
        "person"
    ]
    assert [row["name"] for row in fetched["requestedTickets"]] == ["T"]


def test_delete_relation_field(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    payload = {
        "type": "MANY_TO_ONE",
        "targetObjectMetadataId": object_id(client, "company"),
        "targetFieldLabel": "Tickets",
    }
    body = {
        "objectMetadataId": ticket["id"],
        "type": "RELATION",
        "name": "company",
        "label": "Company",
        "relationCreationPayload": payload,
    }
    field = client.post("/rest/metadata/fields", json=body).json()["data"]["createOneField"]
    assert client.delete(f"/rest/metadata/fields/{field['id']}").status_code == 200
    rejected = client.post("/rest/tickets", json={"name": "T", "companyId": None})
    assert rejected.status_code == 400
    company_fields = client.get(f"/rest/metadata/objects/{object_id(client, 'company')}").json()[
        "data"
    ]["object"]["fields"]
    assert "tickets" not in {item["name"] for item in company_fields}


def test_deactivate_object(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    assert (
        client.patch(f"/rest/metadata/objects/{ticket['id']}", json={"isActive": False}).status_code
        == 200
    )
    assert client.get("/rest/tickets").status_code == 400
    assert (
        client.patch(f"/rest/metadata/objects/{ticket['id']}", json={"isActive": True}).status_code
        == 200
    )
    assert client.get("/rest/tickets").status_code == 200


def test_add_option_later(client: httpx.Client) -> None:
    ticket = ticket_object(client)
    field = client.post("/rest/metadata/fields", json=select_field(ticket["id"])).json()["data"][
        "createOneField"
    ]
    options = [
        *field["options"],
        {"value": "PENDING", "label": "Pending", "position": 2, "color": "amber"},
    ]
    assert (
        client.patch(f"/rest/metadata/fields/{field['id']}", json={"options": options}).status_code
        == 200
    )
    assert client.post("/rest/tickets", json={"status": "PENDING"}).status_code == 201


def test_system_field_stays_active(client: httpx.Client) -> None:
    fields = client.get(f"/rest/metadata/objects/{object_id(client, 'company')}").json()["data"][
        "object"
    ]["fields"]
    created_at = next(field for field in fields if field["name"] == "createdAt")
    response = client.patch(f"/rest/metadata/fields/{created_at['id']}", json={"isActive": False})
    assert response.status_code == 400


def test_metadata_cursor_paging(client: httpx.Client) -> None:
    first = client.get("/rest/metadata/objects", params={"limit": 4}).json()
    second = client.get(
        "/rest/metadata/objects",
        params={"limit": 4, "starting_after": first["pageInfo"]["endCursor"]},
    ).json()
    first_ids = {item["id"] for item in first["data"]}
    second_ids = {item["id"] for item in second["data"]}
    assert len(second_ids) == 4
    assert not first_ids & second_ids


def test_unique_rejects_existing_duplicates(client: httpx.Client) -> None:
    body = {
        "objectMetadataId": object_id(client, "company"),
        "type": "TEXT",
        "name": "code",
        "label": "Code",
    }
    field = client.post("/rest/metadata/fields", json=body).json()["data"]["createOneField"]
    client.post(
        "/rest/batch/companies", json=[{"name": "A", "code": "X"}, {"name": "B", "code": "X"}]
    )
    response = client.patch(f"/rest/metadata/fields/{field['id']}", json={"isUnique": True})
    assert response.status_code == 400
    assert "share the value" in response.json()["messages"][0]


def test_unique_indexes_existing_rows(client: httpx.Client) -> None:
    body = {
        "objectMetadataId": object_id(client, "company"),
        "type": "TEXT",
        "name": "code",
        "label": "Code",
    }
    field = client.post("/rest/metadata/fields", json=body).json()["data"]["createOneField"]
    client.post("/rest/companies", json={"name": "A", "code": "X"})
    response = client.patch(f"/rest/metadata/fields/{field['id']}", json={"isUnique": True})
    assert response.status_code == 200
    assert response.json()["data"]["updateOneField"]["isUnique"] is True
    assert client.post("/rest/companies", json={"name": "B", "code": "X"}).status_code == 400


def test_rename_custom_field(client: httpx.Client) -> None:
    body = {
        "objectMetadataId": object_id(client, "company"),
        "type": "TEXT",
        "name": "abn",
        "label": "ABN",
        "isUnique": True,
    }
    field = client.post("/rest/metadata/fields", json=body).json()["data"]["createOneField"]
    client.post("/rest/companies", json={"name": "A", "abn": "1"})
    response = client.patch(f"/rest/metadata/fields/{field['id']}", json={"name": "businessNumber"})
    assert response.status_code == 200
    assert response.json()["data"]["updateOneField"]["name"] == "businessNumber"
    record = client.get("/rest/companies").json()["data"]["companies"][0]
    assert record["businessNumber"] == "1"
    assert "abn" not in record
    assert (
        client.post("/rest/companies", json={"name": "B", "businessNumber": "1"}).status_code == 400
    )


def test_rename_standard_field(client: httpx.Client) -> None:
    fields = client.get(f"/rest/metadata/objects/{object_id(client, 'company')}").json()["data"][
        "object"
    ]["fields"]
    name_field = next(field for field in fields if field["name"] == "name")
    response = client.patch(f"/rest/metadata/fields/{name_field['id']}", json={"name": "title"})
    assert response.status_code == 400

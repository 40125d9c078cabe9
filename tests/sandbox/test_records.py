"""Record REST routes over a real socket: envelopes, validation wording, writes and deletes."""

from __future__ import annotations

import uuid

import httpx

from bt2twenty.sandbox import RunningSandbox


def messages(response: httpx.Response) -> list[str]:
    return response.json()["messages"]


def test_create_one_envelope(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"name": "Acme"})
    assert response.status_code == 201
    record = response.json()["data"]["createCompany"]
    assert record["name"] == "Acme"
    assert uuid.UUID(record["id"])
    assert record["deletedAt"] is None


def test_create_person_envelope(client: httpx.Client) -> None:
    response = client.post("/rest/people", json={"name": {"firstName": "Ann", "lastName": "Lee"}})
    assert response.status_code == 201
    assert "createPerson" in response.json()["data"]


def test_batch_envelope_people(client: httpx.Client) -> None:
    rows = [{"name": {"firstName": f"P{index}", "lastName": "X"}} for index in range(3)]
    response = client.post("/rest/batch/people", json=rows)
    assert response.status_code == 201
    created = response.json()["data"]["createPeople"]
    assert [row["name"]["firstName"] for row in created] == ["P0", "P1", "P2"]


def test_composite_defaults_filled(client: httpx.Client) -> None:
    record = client.post("/rest/people", json={"emails": {"primaryEmail": "A@X.COM"}}).json()
    person = record["data"]["createPerson"]
    assert person["emails"] == {"primaryEmail": "a@x.com", "additionalEmails": None}
    assert person["name"] == {"firstName": "", "lastName": ""}


def test_unknown_field_rejected(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"name": "A", "colour": "red"})
    assert response.status_code == 400
    assert messages(response) == ['Object company doesn\'t have any "colour" field.']
    assert response.json()["error"] == "BadRequestException"


def test_unknown_subfield_rejected(client: httpx.Client) -> None:
    body = {"name": "A", "amount": {"amount": 5, "currencyCode": "AUD"}}
    response = client.post("/rest/opportunities", json=body)
    assert response.status_code == 400
    assert messages(response) == ['Invalid subfield amount for currency field "amount"']


def test_select_value_checked(client: httpx.Client) -> None:
    response = client.post("/rest/opportunities", json={"name": "A", "stage": "WON"})
    assert response.status_code == 400
    assert "Invalid value 'WON'" in messages(response)[0]
    assert "NEW" in messages(response)[0]


def test_select_default_applied(client: httpx.Client) -> None:
    response = client.post("/rest/opportunities", json={"name": "A"})
    assert response.json()["data"]["createOpportunity"]["stage"] == "NEW"


def test_null_takes_default(client: httpx.Client) -> None:
    response = client.post("/rest/opportunities", json={"name": "A", "stage": None})
    assert response.json()["data"]["createOpportunity"]["stage"] == "NEW"


def test_not_nullable_rejected(client: httpx.Client) -> None:
    objects = client.get("/rest/metadata/objects").json()["data"]
    company_id = next(item["id"] for item in objects if item["nameSingular"] == "company")
    field = {
        "objectMetadataId": company_id,
        "type": "TEXT",
        "name": "abn",
        "label": "ABN",
        "isNullable": False,
    }
    assert client.post("/rest/metadata/fields", json=field).status_code == 201
    missing = client.post("/rest/companies", json={"name": "A"})
    assert missing.status_code == 400
    assert messages(missing) == ["Field abn is not nullable and has no default value."]
    null = client.post("/rest/companies", json={"name": "A", "abn": None})
    assert messages(null) == ["Field abn is not nullable and has no default value."]


def test_invalid_path_uuid(client: httpx.Client) -> None:
    response = client.get("/rest/companies/not-a-uuid")
    assert response.status_code == 400
    assert messages(response) == ["'not-a-uuid' is not a valid UUID"]


def test_invalid_body_uuid(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"id": "123", "name": "A"})
    assert response.status_code == 400
    assert messages(response) == ["'123' is not a valid UUID"]


def test_client_uuid_kept(client: httpx.Client) -> None:
    record_id = str(uuid.uuid4())
    response = client.post("/rest/companies", json={"id": record_id, "name": "A"})
    assert response.json()["data"]["createCompany"]["id"] == record_id
    assert client.get(f"/rest/companies/{record_id}").status_code == 200


def test_unknown_object_rejected(client: httpx.Client) -> None:
    response = client.get("/rest/widgets")
    assert response.status_code == 400
    assert messages(response) == ["object 'widgets' not found"]


def test_created_at_writable(client: httpx.Client) -> None:
    body = {"name": "Old", "createdAt": "2019-03-04T05:06:07Z"}
    record = client.post("/rest/companies", json=body).json()["data"]["createCompany"]
    assert record["createdAt"] == "2019-03-04T05:06:07.000Z"


def test_created_by_api_key(client: httpx.Client) -> None:
    record = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    assert record["createdBy"]["source"] == "API"
    assert record["createdBy"]["name"]
    assert record["updatedBy"]["source"] == "API"


def test_created_by_source_kept(client: httpx.Client) -> None:
    body = {"name": "A", "createdBy": {"source": "IMPORT"}}
    record = client.post("/rest/companies", json=body).json()["data"]["createCompany"]
    assert record["createdBy"]["source"] == "IMPORT"
    assert record["createdBy"]["name"] != ""


def test_created_by_name_kept(client: httpx.Client) -> None:
    body = {"name": "A", "createdBy": {"source": "IMPORT", "name": "Bluetrait: Jo"}}
    record = client.post("/rest/companies", json=body).json()["data"]["createCompany"]
    assert record["createdBy"]["name"] == "Bluetrait: Jo"
    assert record["updatedBy"]["name"] != "Bluetrait: Jo"


def test_position_backfilled(client: httpx.Client) -> None:
    first = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    second = client.post("/rest/companies", json={"name": "B"}).json()["data"]["createCompany"]
    assert isinstance(first["position"], float)
    assert second["position"] > first["position"]


def test_position_rejects_text(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"name": "A", "position": "middle"})
    assert response.status_code == 400
    assert messages(response)[0].startswith("Invalid position value")


def test_join_column_must_exist(client: httpx.Client) -> None:
    missing = str(uuid.uuid4())
    response = client.post("/rest/people", json={"companyId": missing})
    assert response.status_code == 400
    assert missing in messages(response)[0]


def test_join_column_stored(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    person = client.post("/rest/people", json={"companyId": company["id"]}).json()["data"][
        "createPerson"
    ]
    assert person["companyId"] == company["id"]


def test_depth_one_embeds(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    person = client.post("/rest/people", json={"companyId": company["id"]}).json()["data"][
        "createPerson"
    ]
    fetched = client.get(f"/rest/people/{person['id']}", params={"depth": 1}).json()["data"][
        "person"
    ]
    assert fetched["company"]["name"] == "A"
    listed = client.get(f"/rest/companies/{company['id']}", params={"depth": 1}).json()
    assert [row["id"] for row in listed["data"]["company"]["people"]] == [person["id"]]


def test_depth_two_rejected(client: httpx.Client) -> None:
    response = client.get("/rest/companies", params={"depth": 2})
    assert response.status_code == 400
    assert messages(response) == ["'depth=2' parameter invalid. Allowed values are 0, 1"]


def test_update_one_merges(client: httpx.Client) -> None:
    body = {"name": {"firstName": "A", "lastName": "B"}, "jobTitle": "CTO"}
    person = client.post("/rest/people", json=body).json()["data"]["createPerson"]
    response = client.patch(f"/rest/people/{person['id']}", json={"name": {"lastName": "C"}})
    assert response.status_code == 200
    updated = response.json()["data"]["updatePerson"]
    assert updated["name"] == {"firstName": "A", "lastName": "C"}
    assert updated["jobTitle"] == "CTO"


def test_update_missing_404(client: httpx.Client) -> None:
    response = client.patch(f"/rest/companies/{uuid.uuid4()}", json={"name": "X"})
    assert response.status_code == 404
    assert messages(response) == ["Record not found"]


def test_update_many_filter(client: httpx.Client) -> None:
    client.post("/rest/batch/companies", json=[{"name": "A"}, {"name": "B"}, {"name": "C"}])
    response = client.patch(
        "/rest/companies",
        params={"filter": 'name[in]:["A","B"]'},
        json={"linkedinLink": {"primaryLinkUrl": "https://linkedin.com/company/x"}},
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["updateCompanies"]) == 2


def test_delete_destroys_default(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    response = client.delete(f"/rest/companies/{company['id']}")
    assert response.status_code == 200
    assert response.json()["data"]["deleteCompany"]["id"] == company["id"]
    filtered = client.get("/rest/companies", params={"filter": "deletedAt[is]:NOT_NULL"})
    assert filtered.json()["data"]["companies"] == []


def test_soft_delete_and_restore(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    deleted = client.delete(f"/rest/companies/{company['id']}", params={"soft_delete": "true"})
    assert deleted.status_code == 200
    assert deleted.json()["data"]["deleteCompany"]["deletedAt"] is not None
    assert client.get(f"/rest/companies/{company['id']}").status_code == 404
    restored = client.patch(f"/rest/companies/{company['id']}/restore")
    assert restored.status_code == 200
    assert restored.json()["data"]["restoreCompany"]["deletedAt"] is None
    assert client.get(f"/rest/companies/{company['id']}").status_code == 200


def test_restore_path_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    company = http.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    http.delete(f"/rest/companies/{company['id']}", params={"soft_delete": "true"})
    assert http.patch(f"/rest/companies/{company['id']}/restore").status_code == 404
    restored = http.patch(f"/rest/restore/companies/{company['id']}")
    assert restored.status_code == 200
    assert restored.json()["data"]["restoreCompany"]["deletedAt"] is None


def test_delete_many_soft(client: httpx.Client) -> None:
    client.post("/rest/batch/companies", json=[{"name": "A"}, {"name": "B"}])
    response = client.delete(
        "/rest/companies", params={"filter": "name[eq]:A", "soft_delete": "true"}
    )
    assert len(response.json()["data"]["deleteCompanies"]) == 1
    names = [row["name"] for row in client.get("/rest/companies").json()["data"]["companies"]]
    assert names == ["B"]


def test_destroy_unlinks_children(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    person = client.post("/rest/people", json={"companyId": company["id"]}).json()["data"][
        "createPerson"
    ]
    client.delete(f"/rest/companies/{company['id']}")
    assert client.get(f"/rest/people/{person['id']}").json()["data"]["person"]["companyId"] is None


def test_batch_cap(client: httpx.Client) -> None:
    response = client.post(
        "/rest/batch/companies", json=[{"name": str(index)} for index in range(61)]
    )
    assert response.status_code == 400
    assert messages(response) == ["Maximum number of records to upsert is 60."]


def test_batch_cap_configurable(make_sandbox) -> None:
    _, http = make_sandbox(max_batch=5)
    response = http.post("/rest/batch/companies", json=[{"name": str(index)} for index in range(6)])
    assert messages(response) == ["Maximum number of records to upsert is 5."]


def test_batch_body_not_array(client: httpx.Client) -> None:
    response = client.post("/rest/batch/companies", json={"name": "A"})
    assert response.status_code == 400
    assert messages(response) == ["Body must be an array"]


def test_batch_body_empty(client: httpx.Client) -> None:
    response = client.post("/rest/batch/companies", json=[])
    assert response.status_code == 400
    assert messages(response) == ["Input must not be empty"]


def test_batch_atomic(client: httpx.Client) -> None:
    rows = [{"name": "A"}, {"name": "B", "bogus": 1}]
    assert client.post("/rest/batch/companies", json=rows).status_code == 400
    assert client.get("/rest/companies").json()["totalCount"] == 0


def test_duplicate_id_rejected(client: httpx.Client) -> None:
    record_id = str(uuid.uuid4())
    client.post("/rest/companies", json={"id": record_id, "name": "A"})
    response = client.post("/rest/companies", json={"id": record_id, "name": "B"})
    assert response.status_code == 400
    assert "duplicate entry for id" in messages(response)[0]


def test_member_create_forbidden(client: httpx.Client) -> None:
    response = client.post("/rest/workspaceMembers", json={"userEmail": "x@example.com"})
    assert response.status_code == 403


def test_members_seeded(client: httpx.Client) -> None:
    members = client.get("/rest/workspaceMembers").json()["data"]["workspaceMembers"]
    assert len(members) >= 3
    assert all("@" in member["userEmail"] for member in members)


def test_rich_text_era_names(make_sandbox) -> None:
    for era, type_name in (("v1", "RICH_TEXT_V2"), ("v2", "RICH_TEXT")):
        _, http = make_sandbox(era=era)
        fields = http.get("/rest/metadata/fields").json()
        items = fields["data"]["fields"] if era == "v1" else fields["data"]
        body = [item for item in items if item["name"] == "bodyV2"]
        assert {item["type"] for item in body} == {type_name}, era


def test_rich_text_markdown_only(client: httpx.Client) -> None:
    note = client.post("/rest/notes", json={"title": "T", "bodyV2": {"markdown": "Hello\n\nWorld"}})
    body = note.json()["data"]["createNote"]["bodyV2"]
    assert body["markdown"] == "Hello\n\nWorld"
    assert "Hello" in body["blocknote"]


def test_domain_bare_host_v2(client: httpx.Client) -> None:
    body = {"name": "A", "domainName": {"primaryLinkUrl": "https://www.Acme.com/about"}}
    record = client.post("/rest/companies", json=body).json()["data"]["createCompany"]
    assert record["domainName"]["primaryLinkUrl"] == "acme.com"


def test_domain_kept_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    body = {"name": "A", "domainName": {"primaryLinkUrl": "https://acme.com/"}}
    record = http.post("/rest/companies", json=body).json()["data"]["createCompany"]
    assert record["domainName"]["primaryLinkUrl"] == "https://acme.com"


def test_one_to_many_write_rejected(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"name": "A", "people": []})
    assert response.status_code == 400
    assert messages(response) == [
        "One-to-many relation people field does not support write operations."
    ]


def test_connect_relation(client: httpx.Client, twenty_sandbox: RunningSandbox) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    body = {"company": {"connect": {"where": {"id": company["id"]}}}}
    person = client.post("/rest/people", json=body).json()["data"]["createPerson"]
    assert person["companyId"] == company["id"]
    bad = client.post("/rest/people", json={"company": company["id"]})
    assert bad.json()["messages"] == ['Relation "company" requires connect or disconnect operation']


def test_fields_param_selects(client: httpx.Client) -> None:
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    client.post("/rest/people", json={"jobTitle": "CTO", "companyId": company["id"]})
    response = client.get("/rest/people", params={"fields": "jobTitle,company"})
    person = response.json()["data"]["people"][0]
    assert set(person) == {"id", "jobTitle", "companyId"}


def test_fields_param_unknown(client: httpx.Client) -> None:
    response = client.post("/rest/companies", params={"fields": "name,colour"}, json={"name": "A"})
    assert response.status_code == 400
    assert response.json()["messages"][0].startswith("'fields' parameter invalid.")
    assert client.get("/rest/companies").json()["totalCount"] == 0


def test_fields_param_ignored_v1(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    http.post("/rest/companies", json={"name": "A"})
    record = http.get("/rest/companies", params={"fields": "nonsense"}).json()["data"]["companies"][
        0
    ]
    assert "domainName" in record


def test_null_id_generated(client: httpx.Client) -> None:
    response = client.post("/rest/companies", json={"id": None, "name": "A"})
    assert response.status_code == 201
    assert uuid.UUID(response.json()["data"]["createCompany"]["id"])


def test_connect_not_object(client: httpx.Client) -> None:
    response = client.post("/rest/people", json={"company": {"connect": "x"}})
    assert response.status_code == 400
    assert response.json()["messages"] == [
        'Relation "company" requires connect or disconnect operation'
    ]

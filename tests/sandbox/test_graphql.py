"""GraphQL uploads (multipart), file download, invitations and error shapes."""

from __future__ import annotations

import hashlib
import json

import httpx

from bt2twenty.sandbox import RunningSandbox

UPLOAD_V1 = "mutation UploadFile($file: Upload!, $fileFolder: FileFolder) { uploadFile(file: $file, fileFolder: $fileFolder) }"
UPLOAD_V2 = (
    "mutation Upload($file: Upload!, $fieldMetadataId: String!) "
    "{ uploadFilesFieldFile(file: $file, fieldMetadataId: $fieldMetadataId) { id path size } }"
)


def multipart(
    http: httpx.Client, query: str, variables: dict[str, object], name: str, content: bytes
) -> httpx.Response:
    operations = {"query": query, "variables": {**variables, "file": None}}
    files = {"0": (name, content, "application/pdf")}
    data = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    return http.post("/metadata", data=data, files=files)


def attachment_file_field(http: httpx.Client) -> str:
    fields = http.get("/rest/metadata/fields").json()["data"]
    objects = {
        item["id"]: item["nameSingular"]
        for item in http.get("/rest/metadata/objects").json()["data"]
    }
    return next(
        f["id"]
        for f in fields
        if f["name"] == "file" and objects[f["objectMetadataId"]] == "attachment"
    )


def test_upload_v2_roundtrip(client: httpx.Client) -> None:
    content = "Ünïcode bytes ✓".encode() * 100
    response = multipart(
        client, UPLOAD_V2, {"fieldMetadataId": attachment_file_field(client)}, "résumé.pdf", content
    )
    assert response.status_code == 200, response.text
    uploaded = response.json()["data"]["uploadFilesFieldFile"]
    assert set(uploaded) == {"id", "path", "size"}
    assert uploaded["size"] == len(content)
    download = client.get(f"/files/{uploaded['path']}")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(content).hexdigest()
    by_id = client.get(f"/files/{uploaded['id']}")
    assert by_id.content == content


def test_upload_v2_then_attachment(client: httpx.Client) -> None:
    response = multipart(
        client, UPLOAD_V2, {"fieldMetadataId": attachment_file_field(client)}, "a.pdf", b"%PDF"
    )
    file_id = response.json()["data"]["uploadFilesFieldFile"]["id"]
    company = client.post("/rest/companies", json={"name": "A"}).json()["data"]["createCompany"]
    body = {
        "name": "a.pdf",
        "file": [{"fileId": file_id, "label": "a.pdf"}],
        "targetCompanyId": company["id"],
    }
    assert client.post("/rest/attachments", json=body).status_code == 201


def test_upload_v2_wrong_field(client: httpx.Client) -> None:
    fields = client.get("/rest/metadata/fields").json()["data"]
    text_field = next(f["id"] for f in fields if f["type"] == "TEXT")
    response = multipart(client, UPLOAD_V2, {"fieldMetadataId": text_field}, "a.pdf", b"x")
    error = response.json()["errors"][0]
    assert "not a FILES field" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_upload_zero_bytes(client: httpx.Client) -> None:
    response = multipart(
        client, UPLOAD_V2, {"fieldMetadataId": attachment_file_field(client)}, "empty.txt", b""
    )
    uploaded = response.json()["data"]["uploadFilesFieldFile"]
    assert uploaded["size"] == 0
    assert client.get(f"/files/{uploaded['path']}").content == b""


def test_upload_v1_path(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    response = multipart(http, UPLOAD_V1, {"fileFolder": "Attachment"}, "a.pdf", b"%PDF-1.4")
    path = response.json()["data"]["uploadFile"]
    assert path.startswith("attachment/")
    assert path.endswith(".pdf")
    assert http.get(f"/files/{path}").content == b"%PDF-1.4"


def test_upload_era_mismatch(make_sandbox) -> None:
    _, http = make_sandbox(era="v1")
    response = multipart(http, UPLOAD_V2, {"fieldMetadataId": "x"}, "a.pdf", b"x")
    assert (
        response.json()["errors"][0]["message"]
        == 'Cannot query field "uploadFilesFieldFile" on type "Mutation".'
    )


def test_send_invitations(twenty_sandbox: RunningSandbox, client: httpx.Client) -> None:
    query = "mutation Send($emails: [String!]!) { sendInvitations(emails: $emails) { success errors result { email } } }"
    emails = ["new.tech@example.com", "ava.nguyen@example.com"]
    response = client.post("/metadata", json={"query": query, "variables": {"emails": emails}})
    result = response.json()["data"]["sendInvitations"]
    assert result["success"] is False
    assert result["result"] == [{"email": "new.tech@example.com"}]
    assert "ava.nguyen@example.com" in result["errors"][0]
    assert [item["email"] for item in twenty_sandbox.invitations] == ["new.tech@example.com"]


def test_invitations_invalid_email(client: httpx.Client) -> None:
    query = 'mutation { sendInvitations(emails: ["not-an-email"]) { success } }'
    error = client.post("/metadata", json={"query": query}).json()["errors"][0]
    assert "not-an-email" in error["message"]


def test_graphql_syntax_error(client: httpx.Client) -> None:
    body = client.post("/graphql", json={"query": "mutation {"}).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_openapi_tells_era(make_sandbox) -> None:
    for era, maximum, restore in (
        ("v1", 200, "/restore/companies/{id}"),
        ("v2", 10_000, "/companies/{id}/restore"),
    ):
        _, http = make_sandbox(era=era)
        document = http.get("/rest/open-api/core").json()
        assert document["info"]["version"].startswith(era[1])
        limit = next(
            p for p in document["paths"]["/companies"]["get"]["parameters"] if p["name"] == "limit"
        )
        assert limit["schema"]["maximum"] == maximum
        assert restore in document["paths"]

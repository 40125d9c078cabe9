"""Record operations of the Twenty client, over a real socket."""

from __future__ import annotations

import uuid

import pytest

from bt2twenty.twenty import (
    TwentyBadRequestError,
    TwentyDuplicateError,
    TwentyNotFoundError,
)

from .conftest import Target

pytestmark = pytest.mark.contract


def _companies(unique: str, count: int) -> list[dict[str, object]]:
    return [{"id": str(uuid.uuid4()), "name": f"Contract {unique} {n:03d}"} for n in range(count)]


def test_create_many_and_page_all(target: Target, unique: str) -> None:
    with target.client() as client:
        sent = _companies(unique, 25)
        created = client.records.create_many("companies", sent)
        assert [record["id"] for record in created] == [record["id"] for record in sent]

        found = list(
            client.records.iterate(
                "companies", filter=f"name[like]:Contract {unique}%", page_size=10
            )
        )
        ids = [record["id"] for record in found]
        assert sorted(ids) == sorted(record["id"] for record in sent)
        assert len(set(ids)) == len(ids)
        assert ids == sorted(ids)

        for record in sent:
            client.records.delete("companies", str(record["id"]), soft=False)


def test_count_matches_filter(target: Target, unique: str) -> None:
    with target.client() as client:
        sent = _companies(unique, 7)
        client.records.create_many("companies", sent)
        assert client.records.count("companies", filter=f"name[like]:Contract {unique}%") == 7
        for record in sent:
            client.records.delete("companies", str(record["id"]), soft=False)


def test_get_one_returns_record(target: Target, unique: str) -> None:
    with target.client() as client:
        [record] = client.records.create_many("companies", _companies(unique, 1))
        fetched = client.records.get("companies", record["id"])
        assert fetched["name"] == record["name"]
        client.records.delete("companies", record["id"], soft=False)


def test_get_missing_is_not_found(target: Target) -> None:
    with target.client() as client:
        assert client.profile.era in ("v1", "v2")
        before = client.http.attempts_made
        with pytest.raises(TwentyNotFoundError) as raised:
            client.records.get("companies", str(uuid.uuid4()))
        assert raised.value.status == 404
        assert client.http.attempts_made == before + 1


def test_upsert_by_id_updates(target: Target, unique: str) -> None:
    with target.client() as client:
        [record] = _companies(unique, 1)
        client.records.create_many("companies", [record])
        changed = {**record, "name": f"Contract {unique} renamed"}
        [upserted] = client.records.create_many("companies", [changed], upsert=True)
        assert upserted["id"] == record["id"]
        assert client.records.get("companies", str(record["id"]))["name"] == changed["name"]
        assert client.records.count("companies", filter=f"name[like]:Contract {unique}%") == 1
        client.records.delete("companies", str(record["id"]), soft=False)


def test_duplicate_email_rejected(target: Target, unique: str) -> None:
    email = f"dup-{unique}@example.com"
    first = {
        "id": str(uuid.uuid4()),
        "name": {"firstName": "Ann", "lastName": "Lee"},
        "emails": {"primaryEmail": email, "additionalEmails": None},
    }
    second = {**first, "id": str(uuid.uuid4())}
    with target.client() as client:
        client.records.create("people", first)
        with pytest.raises(TwentyDuplicateError) as raised:
            client.records.create("people", second)
        assert raised.value.status == 400
        client.records.delete("people", first["id"], soft=False)


def test_unknown_field_rejected(target: Target, unique: str) -> None:
    with target.client() as client:
        with pytest.raises(TwentyBadRequestError) as raised:
            client.records.create("companies", {"name": unique, "notAField": 1})
        assert "notAField" in str(raised.value)


def test_update_changes_fields(target: Target, unique: str) -> None:
    with target.client() as client:
        [record] = client.records.create_many("companies", _companies(unique, 1))
        updated = client.records.update("companies", record["id"], {"name": f"{unique} new"})
        assert updated["name"] == f"{unique} new"
        client.records.delete("companies", record["id"], soft=False)


def test_soft_delete_then_restore(target: Target, unique: str) -> None:
    with target.client() as client:
        [record] = client.records.create_many("companies", _companies(unique, 1))
        client.records.delete("companies", record["id"], soft=True)
        assert client.records.count("companies", filter=f"name[like]:Contract {unique}%") == 0

        restored = client.records.restore("companies", record["id"])
        assert restored["id"] == record["id"]
        assert client.records.get("companies", record["id"])["deletedAt"] is None
        client.records.delete("companies", record["id"], soft=False)


def test_hard_delete_destroys(target: Target, unique: str) -> None:
    with target.client() as client:
        [record] = client.records.create_many("companies", _companies(unique, 1))
        client.records.delete("companies", record["id"], soft=False)
        with pytest.raises(TwentyNotFoundError):
            client.records.get("companies", record["id"])
        with pytest.raises(TwentyNotFoundError):
            client.records.restore("companies", record["id"])


def test_upsert_restores_soft_deleted_match(target: Target, unique: str) -> None:
    email = f"restore-{unique}@example.com"
    person = {
        "id": str(uuid.uuid4()),
        "name": {"firstName": "Bo", "lastName": "Ng"},
        "emails": {"primaryEmail": email, "additionalEmails": None},
    }
    with target.client() as client:
        client.records.create("people", person)
        client.records.delete("people", person["id"], soft=True)
        [upserted] = client.records.create_many(
            "people", [{**person, "id": str(uuid.uuid4()), "jobTitle": "Owner"}], upsert=True
        )
        assert upserted["id"] == person["id"]
        assert upserted["deletedAt"] is None
        assert upserted["jobTitle"] == "Owner"
        client.records.delete("people", person["id"], soft=False)


def test_batch_larger_than_server_cap_split(target: Target, unique: str) -> None:
    sandbox = target.require_sandbox()
    with target.client(batch_size=150) as client:
        sent = _companies(unique, 150)
        created = client.records.create_many("companies", sent)
        assert len(created) == 150
        batch_posts = [
            entry for entry in sandbox.request_log if entry[0] == "POST" and "/batch/" in entry[1]
        ]
        assert batch_posts[0][2] == 400
        assert client.records.max_batch_size == 60
        assert client.records.count("companies", filter=f"name[like]:Contract {unique}%") == 150

        rejected_before = sum(1 for entry in sandbox.request_log if entry[2] == 400)
        client.records.create_many("companies", _companies(unique + "b", 150))
        assert sum(1 for entry in sandbox.request_log if entry[2] == 400) == rejected_before

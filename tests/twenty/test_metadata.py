"""Schema operations of the Twenty client: objects, fields of every type, relations."""

from __future__ import annotations

import pytest

from bt2twenty.twenty import FieldSpec, RelationSpec, SelectOption, TwentyBadRequestError

from .conftest import Target

pytestmark = pytest.mark.contract

SCALAR_AND_COMPOSITE_TYPES = [
    "TEXT", "NUMBER", "NUMERIC", "BOOLEAN", "DATE", "DATE_TIME", "CURRENCY", "EMAILS",
    "PHONES", "LINKS", "ADDRESS", "FULL_NAME", "RAW_JSON", "ARRAY",
]  # fmt: skip


def test_standard_objects_listed(target: Target) -> None:
    with target.client() as client:
        names = {item["nameSingular"] for item in client.metadata.list_objects()}
    assert {"company", "person", "opportunity", "note", "attachment"} <= names


def test_custom_object_with_every_field_type(target: Target, unique: str, unique_word: str) -> None:
    name = f"ticket{unique_word.capitalize()}"
    with target.client() as client:
        created = client.metadata.create_object(
            name_singular=name,
            name_plural=f"{name}s",
            label_singular=f"Ticket {unique}",
            label_plural=f"Tickets {unique}",
        )
        object_id = created["id"]
        try:
            for field_type in SCALAR_AND_COMPOSITE_TYPES:
                field_name = "f" + field_type.title().replace("_", "")
                client.metadata.create_field(
                    object_id, FieldSpec(field_name, field_type.title(), field_type)
                )

            status_options = [
                SelectOption("OPEN", "Open", "green", 0),
                SelectOption("ON_HOLD", "On hold", "amber", 1),
            ]
            client.metadata.create_field(
                object_id, FieldSpec("status", "Status", "SELECT", options=status_options)
            )
            client.metadata.create_field(
                object_id, FieldSpec("tags", "Tags", "MULTI_SELECT", options=status_options)
            )
            client.metadata.create_field(
                object_id, FieldSpec("bluetraitId", "Bluetrait id", "TEXT", is_unique=True)
            )

            company = client.metadata.find_object("company")
            assert company is not None
            client.metadata.create_field(
                object_id,
                FieldSpec(
                    "company",
                    "Company",
                    "RELATION",
                    relation=RelationSpec("MANY_TO_ONE", company["id"], f"Tickets {unique}"),
                ),
            )

            fields = {
                f["name"]: f
                for f in client.metadata.list_fields()
                if f.get("objectMetadataId") == object_id
            }
            for field_type in SCALAR_AND_COMPOSITE_TYPES:
                assert fields["f" + field_type.title().replace("_", "")]["type"] == field_type
            assert fields["status"]["type"] == "SELECT"
            assert fields["bluetraitId"]["isUnique"] is True
            assert fields["company"]["type"] == "RELATION"

            record = client.records.create(
                f"{name}s", {"status": "OPEN", "bluetraitId": "T-1", "companyId": None}
            )
            assert record["status"] == "OPEN"
        finally:
            client.metadata.delete_object(object_id)

        assert client.metadata.find_object(name) is None


def test_invalid_field_name_rejected(target: Target) -> None:
    with target.client() as client:
        company = client.metadata.find_object("company")
        assert company is not None
        with pytest.raises(TwentyBadRequestError):
            client.metadata.create_field(company["id"], FieldSpec("Not Camel", "Bad", "TEXT"))


def test_option_value_rules_enforced(target: Target) -> None:
    with target.client() as client:
        company = client.metadata.find_object("company")
        assert company is not None
        with pytest.raises(TwentyBadRequestError):
            client.metadata.create_field(
                company["id"],
                FieldSpec(
                    "tier", "Tier", "SELECT", options=[SelectOption("gold tier", "Gold", "gold", 0)]
                ),
            )


def test_field_deactivated_then_deleted(target: Target, unique_word: str) -> None:
    unique = unique_word
    with target.client() as client:
        company = client.metadata.find_object("company")
        assert company is not None
        created = client.metadata.create_field(
            company["id"], FieldSpec(f"note{unique}", f"Note {unique}", "TEXT")
        )
        assert client.metadata.deactivate_field(created["id"])["isActive"] is False
        client.metadata.delete_field(created["id"])
        names = {f["name"] for f in client.metadata.list_fields()}
        assert f"note{unique}" not in names

"""Schema plan and apply against the local Twenty stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.errors import FatalError
from bt2twenty.mapping.model import Mapping
from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import TargetSchema, schema_from_metadata
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.schema import SchemaPlan, SchemaStep, apply_schema, plan_schema, remove_schema
from bt2twenty.sources.bluetrait.discovery import discover
from bt2twenty.twenty import TwentyApiError, TwentyClient
from bt2twenty.twenty.metadata import SelectOption

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def reference_profile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("discovered")
    discover(FIXTURES / "bluetrait-export", out)
    profile: dict[str, Any] = json.loads((out / "source-profile.json").read_text())
    return profile


@pytest.fixture
def client() -> Iterator[TwentyClient]:
    config = SandboxConfig(api_key="schema-key", rate_limit_per_minute=None)
    with (
        running_sandbox(config) as sandbox,
        TwentyClient(
            sandbox.url, sandbox.api_key, rate_limit_per_minute=None, burst_per_second=None
        ) as twenty,
    ):
        yield twenty


def _live(client: TwentyClient) -> TargetSchema:
    return schema_from_metadata(client.metadata.list_objects(), client.metadata.list_fields())


def _mapping(client: TwentyClient, profile: dict[str, Any]) -> Mapping:
    return propose_mapping(profile, _live(client))


def test_plan_lists_custom_objects(client: TwentyClient, reference_profile: dict[str, Any]) -> None:
    plan = plan_schema(_mapping(client, reference_profile), _live(client))
    created = {step.object_name for step in plan.steps if step.kind == "create_object"}
    assert created == {"ticket", "timesheet", "project", "invoice", "invoiceLine", "product"}
    kinds = [step.kind for step in plan.steps]
    assert kinds == sorted(
        kinds, key=["create_object", "create_field", "create_relation", "add_options"].index
    )


def test_apply_then_nothing_left(client: TwentyClient, reference_profile: dict[str, Any]) -> None:
    mapping = _mapping(client, reference_profile)
    plan = plan_schema(mapping, _live(client))
    recorded = []
    result = apply_schema(client, plan, on_change=recorded.append)
    assert len(result.applied) == len(plan.steps)
    assert recorded == result.applied
    assert plan_schema(mapping, _live(client)).is_empty

    again = apply_schema(client, plan)
    assert again.applied == []
    assert len(again.already_present) == len(plan.steps)


def test_every_target_has_unique_id(
    client: TwentyClient, reference_profile: dict[str, Any]
) -> None:
    mapping = _mapping(client, reference_profile)
    apply_schema(client, plan_schema(mapping, _live(client)))
    live = _live(client)
    for object_mapping in mapping.objects.values():
        if object_mapping.skip or object_mapping.target is None:
            continue
        field = live.field(object_mapping.target, "bluetraitId")
        assert field is not None, object_mapping.target
        assert field.is_unique
        assert field.type == "TEXT"


def test_relations_have_join_columns(
    client: TwentyClient, reference_profile: dict[str, Any]
) -> None:
    mapping = _mapping(client, reference_profile)
    apply_schema(client, plan_schema(mapping, _live(client)))
    company = next(o for o in client.metadata.list_objects() if o["nameSingular"] == "company")
    record = client.records.create("companies", {"name": "Relation Test"})
    ticket = client.records.create("tickets", {"name": "Printer jam", "companyId": record["id"]})
    assert ticket["companyId"] == record["id"]
    assert company["id"]


def test_existing_select_gets_options(client: TwentyClient) -> None:
    live = _live(client)
    plan = SchemaPlan(
        [
            SchemaStep(
                kind="add_options",
                object_name="opportunity",
                field_name="stage",
                options=(SelectOption("ON_HOLD", "On hold", "amber", 0),),
            )
        ]
    )
    result = apply_schema(client, plan)
    assert [change.kind for change in result.applied] == ["add_options"]
    stage = _live(client).field("opportunity", "stage")
    assert stage is not None
    assert "ON_HOLD" in stage.options
    before = live.field("opportunity", "stage")
    assert before is not None
    assert set(before.options) < set(stage.options)


def test_failed_field_removes_new_object(client: TwentyClient) -> None:
    plan = SchemaPlan(
        [
            SchemaStep(
                kind="create_object",
                object_name="gadget",
                name_plural="gadgets",
                object_labels=("Gadget", "Gadgets"),
                label="Gadget",
            ),
            SchemaStep(
                kind="create_field",
                object_name="gadget",
                field_name="Bad Name",
                field_type="TEXT",
                label="Bad",
            ),
        ]
    )
    with pytest.raises(TwentyApiError):
        apply_schema(client, plan)
    assert "gadget" not in _live(client).objects


def test_type_clash_reported(client: TwentyClient) -> None:
    plan = SchemaPlan(
        [
            SchemaStep(
                kind="create_field",
                object_name="company",
                field_name="name",
                field_type="NUMBER",
                label="Name",
            )
        ]
    )
    with pytest.raises(Exception, match="exists in Twenty as TEXT"):
        apply_schema(client, plan)


def test_remove_undoes_only_created(
    client: TwentyClient, reference_profile: dict[str, Any]
) -> None:
    before = _live(client)
    mapping = _mapping(client, reference_profile)
    result = apply_schema(client, plan_schema(mapping, before))
    removed = remove_schema(client, result.applied)
    assert len(removed) == len(result.applied)

    after = _live(client)
    assert set(after.objects) == set(before.objects)
    for name, target in before.objects.items():
        assert set(after.objects[name].fields) == set(target.fields), name


def test_missing_relation_target_is_fatal(client: TwentyClient) -> None:
    plan = SchemaPlan(
        [
            SchemaStep(
                kind="create_relation",
                object_name="company",
                field_name="widget",
                field_type="RELATION",
                label="Widget",
                relation_target="widget",
                inverse_label="Companies",
            )
        ]
    )
    with pytest.raises(FatalError, match="does not exist"):
        apply_schema(client, plan)


def test_plan_render_readable(
    client: TwentyClient, reference_profile: dict[str, Any], tmp_path: Path
) -> None:
    plan = plan_schema(_mapping(client, reference_profile), _live(client))
    text = plan.render()
    assert "create object ticket (tickets)" in text
    assert "create field company.bluetraitId (TEXT, unique)" in text
    assert "create relation ticket.company → company" in text
    assert json.loads(json.dumps(plan.as_json()))[0]["kind"] == "create_object"

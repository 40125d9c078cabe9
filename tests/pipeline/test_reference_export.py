"""The whole reference export migrated, verified clean, and checked fact by fact."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bt2twenty.pipeline.load import LoadResult, run_load
from bt2twenty.pipeline.verify import VerifyResult, run_verify
from bt2twenty.sandbox import SandboxConfig, running_sandbox
from bt2twenty.settings import load_settings

from ..conftest import FIXTURES
from .conftest import API_KEY, Project

EXPECTED = json.loads((FIXTURES / "bluetrait-export.expected.json").read_text(encoding="utf-8"))
FACTS = [check for check in EXPECTED["checks"] if check["kind"] != "secrets_never_output"]


class Migrated:
    """One full load and verification of the reference export, shared by the fact checks."""

    def __init__(self, project: Project, load: LoadResult, verify: VerifyResult) -> None:
        self.project = project
        self.load = load
        self.verify = verify
        self._cache: dict[str, dict[str, dict[str, Any]]] = {}

    def records(self, objects_path: str) -> dict[str, dict[str, Any]]:
        """Return the records of an object keyed by their source id (prefix removed)."""
        if objects_path not in self._cache:
            with self.project.client() as client:
                self._cache[objects_path] = {
                    str(record["bluetraitId"]).rpartition(":")[2]: record
                    for record in client.records.iterate(objects_path)
                    if record.get("bluetraitId")
                }
        return self._cache[objects_path]

    def profile(self) -> dict[str, Any]:
        path = self.project.path / "source-profile.json"
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory, template: Path) -> Iterator[Migrated]:
    folder = tmp_path_factory.mktemp("reference") / "copy"
    shutil.copytree(template, folder)
    config = SandboxConfig(
        api_key=API_KEY, rate_limit_per_minute=None, data_path=folder / "twenty.sqlite"
    )
    with running_sandbox(config) as sandbox, pytest.MonkeyPatch.context() as patch:
        patch.setenv("TWENTY_API_KEY", API_KEY)
        patch.setenv("TWENTY_API_URL", sandbox.url)
        settings = load_settings(
            folder / "project", rate_limit_per_minute=100_000, burst_per_second=100_000
        )
        project = Project(folder / "project", sandbox, settings)
        load = run_load(settings)
        verify = run_verify(settings)
        yield Migrated(project, load, verify)


def test_every_file_accounted(migrated: Migrated) -> None:
    read = {report.source_object: report.counts for report in migrated.load.objects}

    for name, rows in EXPECTED["records"].items():
        if name == "passwords_current":
            continue
        assert read[name].read == rows, name
        assert read[name].is_balanced, name


def test_verified_clean(migrated: Migrated) -> None:
    assert migrated.verify.is_clean
    assert migrated.verify.verified > 3000


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: fact["kind"])
def test_fact_holds(migrated: Migrated, fact: dict[str, Any]) -> None:
    kind = fact["kind"]
    companies = migrated.records("companies")
    people = migrated.records("people")
    tickets = migrated.records("tickets")

    if kind == "duplicate_company_name":
        first, second = (str(source_id) for source_id in fact["source_ids"])
        assert companies[first]["name"] == fact["name"]
        assert companies[second]["name"] == f"{fact['name']} (2)"
    elif kind == "shared_domain":
        first, second = (str(source_id) for source_id in fact["source_ids"])
        assert companies[first]["domainName"]["primaryLinkUrl"] == fact["domain"]
        assert not companies[second]["domainName"]["primaryLinkUrl"]
        secondary = [link["url"] for link in companies[second]["domainName"]["secondaryLinks"]]
        assert fact["domain"] in secondary
    elif kind == "duplicate_person_email":
        first, second = (str(source_id) for source_id in fact["source_ids"])
        assert people[first]["emails"]["primaryEmail"] == fact["email"]
        assert fact["email"] in people[second]["emails"]["additionalEmails"]
    elif kind == "orphan_reference" and fact["object"] == "clients":
        assert people[str(fact["source_id"])]["companyId"] is None
    elif kind == "orphan_reference" and fact["object"] == "tickets":
        assert tickets[str(fact["source_id"])]["requesterId"] is None
        assert str(fact["value"]) in tickets[str(fact["source_id"])]["unplacedValues"]
    elif kind == "missing_last_name":
        for source_id in fact["source_ids"]:
            name = people[str(source_id)]["name"]
            assert name["firstName"] or name["lastName"], source_id
    elif kind == "backslash_quote":
        body = tickets[str(fact["source_id"])]["description"]["markdown"]
        assert fact["contains"] in body.replace("\\\\", "\\")
    elif kind == "datetime_utc":
        stored = tickets[str(fact["source_id"])]["createdAt"]
        assert stored.startswith(fact["utc"].removesuffix("Z"))
    elif kind == "dst_edge":
        for source_id in fact["source_ids"]:
            assert tickets[str(source_id)]["createdAt"].endswith("Z")
    elif kind == "gst_mismatch":
        problems = migrated.profile()["problems"]
        gst = next(problem for problem in problems if problem["kind"] == "gst_mismatch")
        assert str(fact["source_id"]) in {str(e["source_id"]) for e in gst["examples"]}
    elif kind == "currency_micros":
        invoice = migrated.records("invoices")[str(fact["source_id"])]
        assert invoice[fact["field"]]["amountMicros"] == fact["amountMicros"]
        assert invoice[fact["field"]]["currencyCode"] == fact["currencyCode"]
    else:
        pytest.fail(f"no check written for fact kind {kind!r}")


def test_flagged_records_listed_for_review(migrated: Migrated) -> None:
    review = migrated.load.review_path
    assert review is not None

    with review.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))

    missing = next(f for f in FACTS if f["kind"] == "missing_last_name")
    listed = {row["source_id"] for row in rows if row["source_object"] == "clients"}
    assert {str(source_id) for source_id in missing["source_ids"]} <= listed
    orphan = [r for r in rows if r["source_id"] == "1133" and r["code"] == "ORPHAN_REFERENCE"]
    assert orphan
    assert migrated.load.flagged["ORPHAN_REFERENCE"] >= 2

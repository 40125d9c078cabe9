"""A data file keeps the workspace between runs and pins its era."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt2twenty.sandbox import SandboxConfig, running_sandbox


def config(path: Path, era: str = "v2") -> SandboxConfig:
    return SandboxConfig(
        api_key="k", era=era, data_path=path, rate_limit_per_minute=None, rate_limit_per_second=None
    )  # type: ignore[arg-type]


def test_data_file_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite"
    with running_sandbox(config(path)) as sandbox, sandbox.http_client() as http:
        objects = http.get("/rest/metadata/objects").json()["data"]
        company_id = next(item["id"] for item in objects if item["nameSingular"] == "company")
        field = {"objectMetadataId": company_id, "type": "TEXT", "name": "abn", "label": "ABN"}
        assert http.post("/rest/metadata/fields", json=field).status_code == 201
        created = http.post("/rest/companies", json={"name": "Kept", "abn": "51 824 753 556"})
        record_id = created.json()["data"]["createCompany"]["id"]
    with running_sandbox(config(path)) as sandbox, sandbox.http_client() as http:
        record = http.get(f"/rest/companies/{record_id}").json()["data"]["company"]
        assert record["name"] == "Kept"
        assert record["abn"] == "51 824 753 556"
        second = http.post("/rest/companies", json={"name": "Next"}).json()["data"]["createCompany"]
        assert second["position"] > record["position"]


def test_data_file_era_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite"
    with running_sandbox(config(path, "v1")):
        pass
    with pytest.raises(ValueError, match="era v1"), running_sandbox(config(path, "v2")):
        pass
